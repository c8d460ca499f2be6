"""Administering people and teams: only organisation administrators, always audited, never a password stored."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from conftest import PASSWORD

from portfolium.accounts import services
from portfolium.accounts.models import Membership, Role, Team, User
from portfolium.audit.models import AuditEvent
from portfolium.core.errors import PermissionDenied, ValidationError
from tests.factories import TeamFactory


def events_for(obj, object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type, object_id=obj.pk).order_by("id"))


# --- adding people ----------------------------------------------------------------------------------------


def test_an_admin_adds_a_person_with_a_password_that_passes_the_validators(org):
    user, generated = services.user_add(actor=org.ada, username="grace", password="a long enough passphrase",
                                        display_name="Grace Hopper", email="grace@example.org", job_title="PMO lead")
    assert generated is None
    assert user.check_password("a long enough passphrase")
    [event] = events_for(user, "user")
    assert (event.action, event.actor) == ("create", org.ada)
    assert event.changes["username"] == "grace" and event.changes["job_title"] == "PMO lead"
    assert "password" not in json.dumps(event.changes)


def test_a_weak_initial_password_is_refused_naming_the_field(org):
    with pytest.raises(ValidationError) as exc:
        services.user_add(actor=org.ada, username="grace", password="12345678")
    assert set(exc.value.errors) == {"password"}
    assert not User.objects.filter(username="grace").exists()


def test_a_generated_password_is_returned_once_and_works(org):
    user, generated = services.user_add(actor=org.ada, username="grace", password=None)
    assert generated and len(generated) >= 20
    user.refresh_from_db()
    assert user.check_password(generated)
    assert generated not in json.dumps([e.changes for e in AuditEvent.objects.all()])


def test_only_an_org_admin_adds_people(org):
    with pytest.raises(PermissionDenied):
        services.user_add(actor=org.paula, username="grace", password=None)
    assert not User.objects.filter(username="grace").exists()


def test_a_bad_email_names_the_field(org):
    with pytest.raises(ValidationError) as exc:
        services.user_add(actor=org.ada, username="grace", password=None, email="not an email")
    assert "email" in exc.value.errors


# --- editing people ---------------------------------------------------------------------------------------


def test_updating_a_person_records_before_and_after(org):
    services.user_update(actor=org.ada, user=org.vera, data={"job_title": "Analyst", "is_superuser": True})
    org.vera.refresh_from_db()
    assert org.vera.job_title == "Analyst" and org.vera.is_superuser and org.vera.is_staff
    [event] = events_for(org.vera, "user")
    assert event.changes == {"job_title": ["", "Analyst"], "is_superuser": [False, True]}


def test_an_unchanged_save_records_nothing(org):
    services.user_update(actor=org.ada, user=org.vera, data={"display_name": "Vera Viewer"})
    assert events_for(org.vera, "user") == []


def test_an_admin_cannot_remove_their_own_admin_flag(org):
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=org.ada, user=org.ada, data={"is_superuser": False})
    assert "is_superuser" in exc.value.errors
    org.ada.refresh_from_db()
    assert org.ada.is_superuser


def test_an_admin_cannot_deactivate_themselves(org):
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=org.ada, user=org.ada, data={"is_active": False, "job_title": "CEO"})
    assert "is_active" in exc.value.errors
    org.ada.refresh_from_db()
    assert org.ada.is_active and org.ada.job_title == ""


def test_an_admin_may_demote_another_admin(org):
    other = services.user_create(actor=org.ada, username="root2", password=None, is_superuser=True)
    services.user_update(actor=org.ada, user=other, data={"is_superuser": False, "is_active": False})
    other.refresh_from_db()
    assert not other.is_superuser and not other.is_staff and not other.is_active


def test_a_non_admin_cannot_edit_anyone_not_even_themselves_as_admin(org):
    with pytest.raises(PermissionDenied):
        services.user_update(actor=org.paula, user=org.paula, data={"is_superuser": True})
    with pytest.raises(PermissionDenied):
        services.user_update(actor=org.paula, user=org.vera, data={"job_title": "x"})


def test_unknown_fields_cannot_be_set(org):
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=org.ada, user=org.vera, data={"username": "v2"})
    assert exc.value.errors == {"username": "this field cannot be set here"}


def test_an_update_is_all_or_nothing(org):
    with mock.patch("portfolium.accounts.services.audit_record", side_effect=RuntimeError("audit down")), \
            pytest.raises(RuntimeError):
        services.user_update(actor=org.ada, user=org.vera, data={"job_title": "Analyst"})
    org.vera.refresh_from_db()
    assert org.vera.job_title == ""


# --- passwords --------------------------------------------------------------------------------------------


def test_resetting_a_password_generates_one_and_audits_without_it(org):
    generated = services.user_set_password(actor=org.ada, user=org.vera, password=None)
    org.vera.refresh_from_db()
    assert generated and org.vera.check_password(generated) and not org.vera.check_password(PASSWORD)
    [event] = events_for(org.vera, "user")
    assert event.action == "update" and "password" in event.changes
    assert generated not in json.dumps(event.changes)
    assert org.vera.password not in json.dumps(event.changes)


def test_setting_a_chosen_password(org):
    assert services.user_set_password(actor=org.ada, user=org.vera, password="another fine passphrase") is None
    org.vera.refresh_from_db()
    assert org.vera.check_password("another fine passphrase")
    assert "another fine passphrase" not in json.dumps(events_for(org.vera, "user")[0].changes)


def test_a_weak_reset_password_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.user_set_password(actor=org.ada, user=org.vera, password="vera")
    assert set(exc.value.errors) == {"password"}
    org.vera.refresh_from_db()
    assert org.vera.check_password(PASSWORD)


def test_only_an_admin_resets_passwords(org):
    with pytest.raises(PermissionDenied):
        services.user_set_password(actor=org.paula, user=org.vera, password=None)


def test_a_password_reset_is_all_or_nothing(org):
    with mock.patch("portfolium.accounts.services.audit_record", side_effect=RuntimeError("audit down")), \
            pytest.raises(RuntimeError):
        services.user_set_password(actor=org.ada, user=org.vera, password=None)
    org.vera.refresh_from_db()
    assert org.vera.check_password(PASSWORD)


# --- teams ------------------------------------------------------------------------------------------------


def test_renaming_a_team_is_audited(org):
    team = TeamFactory(name="Design")
    services.team_update(actor=org.ada, team=team, data={"name": " Design guild ", "description": "UX"})
    team.refresh_from_db()
    assert (team.name, team.description) == ("Design guild", "UX")
    event = AuditEvent.objects.get(object_type="team", object_id=team.pk)
    assert event.changes == {"name": ["Design", "Design guild"], "description": ["", "UX"]}


def test_a_team_name_must_be_unique_ignoring_case(org):
    TeamFactory(name="Design")
    team = TeamFactory(name="Data")
    with pytest.raises(ValidationError) as exc:
        services.team_update(actor=org.ada, team=team, data={"name": "design"})
    assert "name" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        services.team_update(actor=org.ada, team=team, data={"name": " "})
    assert "name" in exc.value.errors


def test_only_an_admin_renames_or_deletes_teams(org):
    team = TeamFactory(name="Design")
    with pytest.raises(PermissionDenied):
        services.team_update(actor=org.paula, team=team, data={"name": "Mine"})
    with pytest.raises(PermissionDenied):
        services.team_delete(actor=org.paula, team=team)
    assert Team.objects.filter(pk=team.pk, name="Design").exists()


def test_deleting_a_team_takes_its_memberships_and_records_each(org):
    team = TeamFactory(name="Design")
    team.members.add(org.olga)
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.zeus)
    team_id = team.pk
    services.team_delete(actor=org.ada, team=team)
    assert not Team.objects.filter(pk=team_id).exists()
    assert not Membership.objects.filter(team_id=team_id).exists()
    assert AuditEvent.objects.get(object_type="team", object_id=team_id, action="delete").changes["members"] == [
        org.olga.pk]
    gone = AuditEvent.objects.get(object_type="membership", action="delete")
    assert gone.project_id == org.zeus.pk
    org.olga.refresh_from_db()
    assert org.olga.is_active  # the people stay
