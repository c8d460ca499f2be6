"""API schemas for people, teams, memberships and tokens, and the small pieces every app's schemas share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from portfolium.accounts.models import Role

# The largest page a client may ask for with ``?limit=``; every list endpoint is paginated.
MAX_PAGE_SIZE = 500


class InputSchema(Schema):
    """Base of every request body: unknown fields are an error (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.label)


class Ref(Schema):
    """A portfolio, program or project named by its code."""

    id: int
    code: str
    name: str


def current_user(context: Any) -> Any:
    """The signed-in user inside a schema resolver (ninja puts the request in the validation context)."""
    return context["request"].user


# --- people -----------------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    name: str
    job_title: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.label)


class MeOut(UserOut):
    email: str
    is_org_admin: bool = Field(..., alias="is_superuser")


class UserAdminOut(UserOut):
    """A person as organisation administrators manage them."""

    display_name: str
    email: str
    is_active: bool
    is_org_admin: bool = Field(..., alias="is_superuser")


class UserCreate(InputSchema):
    username: str = Field(..., min_length=1, max_length=150)
    display_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    job_title: str = Field("", max_length=150)
    is_org_admin: bool = False
    password: str | None = Field(None, description="Checked by the password validators; leave out to generate one")


class UserCreated(UserAdminOut):
    password: str | None = Field(..., description="The generated password, shown this once; null when you chose it")

    @staticmethod
    def resolve_password(obj: Any) -> str | None:
        # Never ``obj.password``: on a user that is the hash.
        return getattr(obj, "generated_password", None)


class UserUpdate(InputSchema):
    """Only the fields sent are changed."""

    display_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    job_title: str | None = Field(None, max_length=150)
    is_active: bool | None = None
    is_org_admin: bool | None = None


class PasswordIn(InputSchema):
    password: str | None = Field(None, description="Checked by the password validators; leave out to generate one")


class PasswordOut(Schema):
    password: str | None = Field(..., description="The generated password, shown this once; null when you chose it")


class UserFilters(Schema):
    search: str | None = None


class TeamOut(Schema):
    id: int
    name: str
    description: str
    members: list[UserRef]

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())


class TeamCreate(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = ""
    members: list[int] = []


class TeamUpdate(InputSchema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = None


class TeamMembersIn(InputSchema):
    members: list[int]


# --- memberships ------------------------------------------------------------------------------------------


class MembershipFilters(Schema):
    portfolio: int | None = None
    program: int | None = None
    project: int | None = None


class MembershipCreate(InputSchema):
    role: Role = Field(..., description="10 viewer, 20 contributor, 30 manager, 40 admin")
    user: int | None = None
    team: int | None = None
    portfolio: int | None = None
    program: int | None = None
    project: int | None = None


class TeamRef(Schema):
    id: int
    name: str


class MembershipOut(Schema):
    id: int
    user: UserRef | None
    team: TeamRef | None
    role: int
    role_label: str
    portfolio: int | None = Field(None, alias="portfolio_id")
    program: int | None = Field(None, alias="program_id")
    project: int | None = Field(None, alias="project_id")
    created_at: dt.datetime

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(Role(obj.role).label)


# --- API tokens -------------------------------------------------------------------------------------------


class TokenCreate(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)


class TokenOut(Schema):
    """A token as listed: never the secret, never its digest."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. It is shown this once and cannot be read again.")
