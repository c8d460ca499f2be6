"""Writes for people, teams, role memberships and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from portfolium.accounts.access import org_admin_require
from portfolium.accounts.models import ApiToken, Membership, Role, Team, User
from portfolium.accounts.roles import role_map_forget
from portfolium.audit.models import AuditAction
from portfolium.audit.services import audit_record, diff, snapshot
from portfolium.core.errors import NotFound, ValidationError
from portfolium.core.validation import assign, clean_model

TOKEN_PREFIX = "pfm_"


PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
USER_EDITABLE = ("display_name", "email", "job_title", "is_active", "is_superuser")


def password_generate() -> str:
    """Four groups of five characters without look-alikes (0/O, 1/l/I): about 115 bits, easy to read out."""
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(20))
    return "-".join(chars[i:i + 5] for i in range(0, 20, 5))


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError({"password": " ".join(exc.messages)}) from None


def _user_facts(user: User) -> dict[str, Any]:
    """What the audit trail records about a person: never the password or its hash."""
    return {"username": user.username, **{name: getattr(user, name) for name in USER_EDITABLE}}


@transaction.atomic
def user_create(
    *, username: str, password: str | None, email: str = "", display_name: str = "",
    is_superuser: bool = False, job_title: str = "", check_password: bool = True, actor: Any = None,
) -> User:
    """Add a person. With ``actor`` (a page or the API) the actor must be an organisation administrator; the
    command line passes none. ``password=None`` leaves the account without a usable password."""
    if actor is not None:
        org_admin_require(actor)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "a username is required"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"the username {username!r} is taken"})
    user = User(username=username, email=(email or "").strip(), display_name=(display_name or "").strip(),
                job_title=(job_title or "").strip(), is_superuser=is_superuser, is_staff=is_superuser)
    clean_model(user, exclude=["password"])
    if password:
        if check_password:
            _password_check(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user, object_type="user", changes=_user_facts(user))
    return user


@transaction.atomic
def user_add(
    *, actor: Any, username: str, password: str | None, email: str = "", display_name: str = "",
    job_title: str = "", is_superuser: bool = False,
) -> tuple[User, str | None]:
    """An administrator adds a person. With ``password=None`` one is generated and returned, to be shown once."""
    org_admin_require(actor)
    generated = password_generate() if password is None else None
    user = user_create(actor=actor, username=username, password=generated or password, email=email,
                       display_name=display_name, job_title=job_title, is_superuser=is_superuser,
                       check_password=generated is None)
    return user, generated


@transaction.atomic
def user_update(*, actor: Any, user: User, data: dict[str, Any]) -> User:
    """Change a person's profile and flags. Administrators cannot demote or deactivate themselves, so an
    organisation always keeps at least one administrator who can sign in."""
    org_admin_require(actor)
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    if user.pk == getattr(actor, "pk", None):
        errors = {}
        if data.get("is_superuser", True) is False:
            errors["is_superuser"] = "you cannot remove your own administrator rights; ask another administrator"
        if data.get("is_active", True) is False:
            errors["is_active"] = "you cannot deactivate yourself; ask another administrator"
        if errors:
            raise ValidationError(errors)
    before = _user_facts(user)
    fields = assign(user, data, USER_EDITABLE)
    if "is_superuser" in fields:
        user.is_staff = user.is_superuser
        fields.append("is_staff")
    clean_model(user, exclude=["password"])
    changes = diff(before, _user_facts(user))
    if changes:
        user.save(update_fields=fields)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, object_type="user", changes=changes)
        role_map_forget(user)
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str | None) -> str | None:
    """An administrator sets a person's password, or with ``password=None`` generates one and returns it (to be
    shown once). The audit trail records that it changed, never the password."""
    org_admin_require(actor)
    generated = password_generate() if password is None else None
    if password is not None:
        if not password.strip():
            raise ValidationError({"password": "enter a password, or generate one"})
        _password_check(password, user)
    user.set_password(generated or password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, object_type="user",
                 changes={"password": ["(hidden)", "(generated)" if generated else "(set)"]})
    return generated


def _require_admin_on_scope(actor: Any, *, portfolio: int | None, program: int | None, project: int | None) -> None:
    from portfolium.portfolios.access import portfolio_get_for_user, program_get_for_user
    from portfolium.projects.access import project_get_for_user

    if portfolio:
        portfolio_get_for_user(actor, portfolio, need=Role.ADMIN)
    elif program:
        program_get_for_user(actor, program, need=Role.ADMIN)
    elif project:
        project_get_for_user(actor, project, need=Role.ADMIN)
    else:
        raise ValidationError({"scope": "give one of portfolio, program or project"})


@transaction.atomic
def membership_grant(
    *, actor: Any, role: int, user: int | None = None, team: int | None = None,
    portfolio: int | None = None, program: int | None = None, project: int | None = None,
) -> Membership:
    """Give a user or team a role on one scope (needs admin there). Granting again changes the role."""
    if sum(x is not None for x in (portfolio, program, project)) != 1:
        raise ValidationError({"scope": "give exactly one of portfolio, program or project"})
    if (user is None) == (team is None):
        raise ValidationError({"user": "give exactly one of user or team"})
    if role not in Role.values:
        raise ValidationError({"role": f"expected one of {', '.join(f'{r.value} ({r.label})' for r in Role)}"})
    _require_admin_on_scope(actor, portfolio=portfolio, program=program, project=project)
    if user is not None and not User.objects.filter(pk=user, is_active=True).exists():
        raise ValidationError({"user": "no such active user"})
    if team is not None and not Team.objects.filter(pk=team).exists():
        raise ValidationError({"team": "no such team"})
    scope: dict[str, Any] = {
        "user_id": user, "team_id": team, "portfolio_id": portfolio, "program_id": program, "project_id": project,
    }
    membership, created = Membership.objects.update_or_create(**scope, defaults={"role": role})
    audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=membership,
                 changes={"user": user, "team": team, "role": Role(role).label},
                 portfolio_id=portfolio, program_id=program, project_id=project)
    role_map_forget(actor)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    _require_admin_on_scope(actor, portfolio=membership.portfolio_id, program=membership.program_id,
                            project=membership.project_id)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=membership,
                 changes={"user": membership.user_id, "team": membership.team_id, "role": Role(membership.role).label},
                 portfolio_id=membership.portfolio_id, program_id=membership.program_id,
                 project_id=membership.project_id)
    membership.delete()
    role_map_forget(actor)


# --- teams (organisation level: administrators manage them, everyone may see them) -----------------------


@transaction.atomic
def team_create(*, actor: Any, name: str, description: str = "", members: list[int] | None = None) -> Team:
    org_admin_require(actor, "manage teams")
    team = Team(name=(name or "").strip(), description=(description or "").strip())
    clean_model(team)
    _team_name_check(team)
    team.save()
    if members:
        team_set_members(actor=actor, team=team, members=members)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=team, changes={"name": team.name})
    return team


def _team_name_check(team: Team) -> None:
    # The unique index compares exactly; people read "Design" and "design " as the same team.
    if Team.objects.filter(name__iexact=team.name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": f"a team called {team.name!r} already exists"})


@transaction.atomic
def team_update(*, actor: Any, team: Team, data: dict[str, Any]) -> Team:
    """Rename a team or change its description."""
    org_admin_require(actor)
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    before = snapshot(team, ["name", "description"])
    fields = assign(team, data, ("name", "description"))
    clean_model(team)
    _team_name_check(team)
    changes = diff(before, snapshot(team, ["name", "description"]))
    if changes:
        team.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=team, changes=changes)
    return team


@transaction.atomic
def team_set_members(*, actor: Any, team: Team, members: list[int]) -> Team:
    org_admin_require(actor, "manage teams")
    found = set(User.objects.filter(pk__in=members, is_active=True).values_list("id", flat=True))
    missing = sorted(set(members) - found)
    if missing:
        raise ValidationError({"members": f"no active users with ids {missing}"})
    old = sorted(team.members.values_list("id", flat=True))
    team.members.set(found)
    if old != sorted(found):
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=team, changes={"members": [old, sorted(found)]})
    return team


@transaction.atomic
def team_delete(*, actor: Any, team: Team) -> None:
    """Delete a team. The role memberships it holds go with it (each recorded, so scope histories show it)."""
    org_admin_require(actor)
    for m in Membership.objects.filter(team=team):
        audit_record(actor=actor, action=AuditAction.DELETE, obj=m,
                     changes={"team": team.pk, "role": Role(m.role).label},
                     portfolio_id=m.portfolio_id, program_id=m.program_id, project_id=m.project_id)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=team,
                 changes={"name": team.name, "members": sorted(team.members.values_list("id", flat=True))})
    team.delete()
    role_map_forget(actor)


# --- API tokens -------------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is safe here, unlike for passwords.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is shown once and never again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "name the token after the script that will use it"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:12], digest=_digest(secret))
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: Any, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
