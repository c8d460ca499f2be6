"""Turn posted people and team forms into the typed values that ``accounts.services`` take, naming the bad field."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from portfolium.core.errors import ValidationError

PROFILE_FIELDS = ("display_name", "email", "job_title")


def _text(post: QueryDict, name: str) -> str:
    return (post.get(name) or "").strip()


def _checked(post: QueryDict, name: str) -> bool:
    return post.get(name) in {"on", "1", "true", "yes"}


def _password(post: QueryDict) -> str | None:
    """``None`` asks for a generated password; a typed one is kept exactly (spaces may be part of it)."""
    if post.get("password_mode", "generate") == "generate":
        return None
    password = post.get("password") or ""
    if not password.strip():
        raise ValidationError({"password": "type a password, or choose “Generate a password”"})
    return password


def person_create_data(post: QueryDict) -> dict[str, Any]:
    """The "Add person" form: profile, the administrator flag and the initial password (``None``: generate one)."""
    return {
        "username": _text(post, "username"),
        **{name: _text(post, name) for name in PROFILE_FIELDS},
        "is_superuser": _checked(post, "is_superuser"),
        "password": _password(post),
    }


def person_update_data(post: QueryDict) -> dict[str, Any]:
    """The "Edit person" form. Unticked boxes are not posted, so the form always sends every field."""
    return {
        **{name: _text(post, name) for name in PROFILE_FIELDS},
        "is_active": _checked(post, "is_active"),
        "is_superuser": _checked(post, "is_superuser"),
    }


def password_data(post: QueryDict) -> str | None:
    return _password(post)


def team_data(post: QueryDict) -> dict[str, str]:
    return {"name": _text(post, "name"), "description": _text(post, "description")}


def user_id(post: QueryDict, name: str = "user") -> int:
    raw = _text(post, name)
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: "choose a person from the list"}) from None
