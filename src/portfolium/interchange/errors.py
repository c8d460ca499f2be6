"""Errors raised while reading or writing a plan file: one line a person can act on."""

from __future__ import annotations


class InterchangeError(Exception):
    """A file cannot be read as the format it claims to be (the message is one line, naming the file)."""


class PlanFormatError(InterchangeError):
    """A Portfolium plan document breaks the format; ``path`` is the JSON path of the offending value
    (``tasks[2].duration``; empty for the document as a whole) and ``file`` the file it came from, if any."""

    def __init__(self, path: str, message: str, *, file: str | None = None) -> None:
        self.path = path
        self.detail = message
        self.file = file
        where = ": ".join(part for part in (file, path) if part)
        super().__init__(f"{where}: {message}" if where else message)
