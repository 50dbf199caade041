"""Bundled assets (models, voices, fonts, native libraries from packages), checked against pinned SHA-256s."""

from microdrama.assets.check import package_file, package_files, verify

__all__ = ["package_file", "package_files", "verify"]
