"""The embedded default: SQLite, no search server, console e-mail."""

from .base import *  # noqa: F403
