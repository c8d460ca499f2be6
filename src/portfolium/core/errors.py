"""The small family of errors that services raise and that the API and pages turn into 4xx answers."""

from __future__ import annotations

from collections.abc import Mapping


class PortfoliumError(Exception):
    """Base class: something a user asked for cannot be done, for a reason we can state."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(PortfoliumError):
    """Input was wrong. ``errors`` maps each offending field to what was wrong with it."""

    status_code = 422

    def __init__(self, errors: Mapping[str, str] | str, *, field: str | None = None) -> None:
        if isinstance(errors, str):
            errors = {field or "__all__": errors}
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotFound(PortfoliumError):
    """The object does not exist, or the user holds no role that lets them know it exists."""

    status_code = 404

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")


class PermissionDenied(PortfoliumError):
    """The user can see the object but their role does not allow this action."""

    status_code = 403


class Conflict(PortfoliumError):
    """The request clashes with the current state (a duplicate code, a cycle in a tree)."""

    status_code = 409
