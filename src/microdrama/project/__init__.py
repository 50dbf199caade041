"""The project folder: settings, bible, episodes, atomic writes, validation with file:line."""

from microdrama.project.config import ProjectConfig
from microdrama.project.folder import Project

__all__ = ["Project", "ProjectConfig"]
