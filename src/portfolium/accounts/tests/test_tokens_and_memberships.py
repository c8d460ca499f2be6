"""Personal API tokens, role memberships, teams and user accounts."""

from __future__ import annotations

import hashlib

import pytest

from portfolium.accounts import services
from portfolium.accounts.access import membership_get_for_user
from portfolium.accounts.models import ApiToken, Membership, Role, Team, User
from portfolium.accounts.roles import role_map_for
from portfolium.audit.models import AuditEvent
from portfolium.core.errors import NotFound, PermissionDenied, ValidationError
from tests.factories import TeamFactory, UserFactory

# --- tokens -----------------------------------------------------------------------------------------------


def test_token_is_stored_as_a_digest_never_as_the_secret(org):
    token, secret = services.api_token_create(user=org.cora, name="  nightly export  ")
    token.refresh_from_db()
    assert secret.startswith(services.TOKEN_PREFIX)
    assert token.name == "nightly export"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret)
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert secret not in {str(v) for v in stored.values()}


def test_each_token_is_different(org):
    _, one = services.api_token_create(user=org.cora, name="a")
    _, two = services.api_token_create(user=org.cora, name="a")
    assert one != two


def test_token_needs_a_name(org):
    with pytest.raises(ValidationError) as exc:
        services.api_token_create(user=org.cora, name="  ")
    assert "name" in exc.value.errors


def test_token_authenticates_its_owner_and_records_last_use(org):
    token, secret = services.api_token_create(user=org.cora, name="ci")
    assert services.api_token_authenticate(secret) == org.cora
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("secret", ["", "nope", "pfm_", "pfm_not-a-real-token"])
def test_unknown_or_malformed_token_authenticates_nobody(org, secret):
    assert services.api_token_authenticate(secret) is None


def test_revoked_token_authenticates_nobody(org):
    token, secret = services.api_token_create(user=org.cora, name="ci")
    revoked = services.api_token_revoke(user=org.cora, token_id=token.pk)
    assert revoked.revoked_at is not None
    assert services.api_token_authenticate(secret) is None


def test_revoking_twice_keeps_the_first_time(org):
    token, _ = services.api_token_create(user=org.cora, name="ci")
    first = services.api_token_revoke(user=org.cora, token_id=token.pk).revoked_at
    assert services.api_token_revoke(user=org.cora, token_id=token.pk).revoked_at == first


def test_token_of_a_deactivated_user_authenticates_nobody(org):
    _, secret = services.api_token_create(user=org.cora, name="ci")
    User.objects.filter(pk=org.cora.pk).update(is_active=False)
    assert services.api_token_authenticate(secret) is None


def test_another_users_token_cannot_be_revoked(org):
    token, secret = services.api_token_create(user=org.cora, name="ci")
    with pytest.raises(NotFound):
        services.api_token_revoke(user=org.mark, token_id=token.pk)
    with pytest.raises(NotFound):  # not even by an administrator through this door
        services.api_token_revoke(user=org.ada, token_id=token.pk)
    assert services.api_token_authenticate(secret) == org.cora


# --- memberships ------------------------------------------------------------------------------------------


def test_portfolio_admin_grants_a_role_and_it_takes_effect(org):
    m = services.membership_grant(actor=org.paula, role=Role.CONTRIBUTOR, user=org.olga.pk, portfolio=org.web.pk)
    assert (m.user_id, m.portfolio_id, m.role) == (org.olga.pk, org.web.pk, Role.CONTRIBUTOR)
    assert role_map_for(org.olga).portfolio_role(org.web.pk) == Role.CONTRIBUTOR
    event = AuditEvent.objects.get(object_type="membership", object_id=m.pk)
    assert (event.action, event.actor, event.portfolio_id) == ("create", org.paula, org.web.pk)
    assert event.changes == {"user": org.olga.pk, "team": None, "role": "Contributor"}


def test_granting_again_changes_the_role_instead_of_adding_one(org):
    first = services.membership_grant(actor=org.paula, role=Role.VIEWER, user=org.olga.pk, project=org.zeus.pk)
    again = services.membership_grant(actor=org.paula, role=Role.MANAGER, user=org.olga.pk, project=org.zeus.pk)
    assert first.pk == again.pk
    assert Membership.objects.filter(user=org.olga).count() == 1
    assert Membership.objects.get(pk=first.pk).role == Role.MANAGER
    assert AuditEvent.objects.filter(object_type="membership", object_id=first.pk, action="update").exists()


def test_granting_a_role_to_a_team(org):
    team = TeamFactory(name="Ops")
    team.members.add(org.olga)
    services.membership_grant(actor=org.paula, role=Role.VIEWER, team=team.pk, program=org.program.pk)
    assert role_map_for(org.olga).program_role(org.program.pk, org.digital.pk) == Role.VIEWER


@pytest.mark.parametrize("who", ["mark", "vera", "cora"])
def test_granting_needs_admin_on_the_scope(org, who):
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=getattr(org, who), role=Role.VIEWER, user=org.olga.pk, project=org.apollo.pk)
    assert not Membership.objects.filter(user=org.olga).exists()


def test_granting_on_an_unseen_scope_is_not_found(org):
    with pytest.raises(NotFound):
        services.membership_grant(actor=org.paula, role=Role.VIEWER, user=org.olga.pk, portfolio=org.other.pk)


def test_administrator_grants_anywhere(org):
    services.membership_grant(actor=org.ada, role=Role.ADMIN, user=org.olga.pk, portfolio=org.other.pk)
    assert role_map_for(org.olga).portfolio_role(org.other.pk) == Role.ADMIN


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": Role.VIEWER, "user": "olga"}, "scope"),
        ({"role": Role.VIEWER, "user": "olga", "portfolio": "web", "project": "zeus"}, "scope"),
        ({"role": Role.VIEWER, "portfolio": "web"}, "user"),
        ({"role": 99, "user": "olga", "portfolio": "web"}, "role"),
    ],
)
def test_grant_input_errors_name_the_field(org, kwargs, field):
    resolved = {k: (getattr(org, v).pk if isinstance(v, str) else v) for k, v in kwargs.items()}
    with pytest.raises(ValidationError) as exc:
        services.membership_grant(actor=org.ada, **resolved)
    assert field in exc.value.errors


def test_cannot_grant_to_an_inactive_user(org):
    ghost = UserFactory(username="ghost", is_active=False)
    with pytest.raises(ValidationError) as exc:
        services.membership_grant(actor=org.ada, role=Role.VIEWER, user=ghost.pk, portfolio=org.web.pk)
    assert "user" in exc.value.errors


def test_revoke_removes_the_role_and_is_audited(org):
    m = Membership.objects.get(user=org.vera)
    pk = m.pk
    services.membership_revoke(actor=org.paula, membership=m)
    assert not Membership.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(object_type="membership", object_id=pk, action="delete")
    assert event.changes == {"user": org.vera.pk, "team": None, "role": "Viewer"}
    vera = User.objects.get(pk=org.vera.pk)  # a fresh request: no cached role map
    assert role_map_for(vera).portfolio_role(org.digital.pk) is None


def test_revoke_needs_admin_on_the_scope(org):
    m = Membership.objects.get(user=org.cora)
    with pytest.raises(PermissionDenied):
        services.membership_revoke(actor=org.mark, membership=m)
    assert Membership.objects.filter(pk=m.pk).exists()


def test_membership_door_hides_memberships_of_unseen_scopes(org):
    m = Membership.objects.get(user=org.mark)
    assert membership_get_for_user(org.vera, m.pk) == m
    with pytest.raises(NotFound):
        membership_get_for_user(org.olga, m.pk)
    with pytest.raises(NotFound):
        membership_get_for_user(org.olga, 987654)


# --- teams ------------------------------------------------------------------------------------------------


def test_only_an_administrator_creates_teams(org):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=org.paula, name="Rogue")
    team = services.team_create(actor=org.ada, name="  Core  ", members=[org.cora.pk, org.mark.pk])
    assert team.name == "Core"
    assert set(team.members.all()) == {org.cora, org.mark}
    assert AuditEvent.objects.filter(object_type="team", object_id=team.pk, action="create").exists()


def test_team_names_are_unique(org):
    services.team_create(actor=org.ada, name="Core")
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=org.ada, name="Core")
    assert "name" in exc.value.errors
    assert Team.objects.filter(name="Core").count() == 1


def test_team_members_must_be_active_users(org):
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=org.ada, name="Core", members=[org.cora.pk, 987654])
    assert "members" in exc.value.errors
    assert not Team.objects.filter(name="Core").exists()


def test_only_an_administrator_sets_team_members(org):
    team = TeamFactory()
    with pytest.raises(PermissionDenied):
        services.team_set_members(actor=org.paula, team=team, members=[org.paula.pk])


# --- users ------------------------------------------------------------------------------------------------


def test_user_create_hashes_the_password(org):
    user = services.user_create(username="newbie", password="a long enough passphrase", display_name="New")
    assert user.check_password("a long enough passphrase")
    assert "a long enough passphrase" not in user.password


def test_usernames_are_unique_ignoring_case(org):
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="ADA", password="a long enough passphrase")
    assert "username" in exc.value.errors


def test_username_is_required(org):
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="   ", password="a long enough passphrase")
    assert "username" in exc.value.errors


@pytest.mark.parametrize("password", ["short", "password", "qwerty123"])
def test_weak_password_is_refused_naming_the_field(org, password):
    with pytest.raises(ValidationError) as exc:
        services.user_create(username="newbie", password=password)
    assert "password" in exc.value.errors
    assert not User.objects.filter(username="newbie").exists()


def test_user_without_password_cannot_sign_in_with_one(org):
    user = services.user_create(username="sso", password=None)
    assert not user.has_usable_password()


def test_argon2_is_the_first_password_hasher_in_production_settings():
    import importlib

    production = importlib.import_module("portfolium.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
