"""microdrama: turn a story into a vertical micro-drama series."""

__version__ = "0.1.0"
