"""Every write leaves one audit event, inside the same transaction; people only see the trail they may."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolium.accounts import services as accounts
from portfolium.accounts.models import Role
from portfolium.audit.models import AuditEvent
from portfolium.audit.selectors import audit_for_object, audit_for_project, audit_visible
from portfolium.audit.services import diff, jsonable, snapshot
from portfolium.core.errors import PortfoliumError, ValidationError
from portfolium.portfolios import services as portfolios
from portfolium.portfolios.models import Portfolio
from portfolium.projects import services as projects
from portfolium.projects.models import ChecklistItem, Comment, Project, Task, TaskDependency
from tests.factories import CustomFieldFactory, GoalFactory

# (what is done, by whom, what it is recorded as, which action, a change that must be in the event)
WRITES = [
    ("portfolio_create", lambda o: portfolios.portfolio_create(actor=o.ada, data={"code": "N", "name": "N"}),
     "portfolio", "create", "code"),
    ("portfolio_update", lambda o: portfolios.portfolio_update(actor=o.paula, portfolio=o.web, data={"name": "W"}),
     "portfolio", "update", "name"),
    ("program_create", lambda o: portfolios.program_create(
        actor=o.paula, data={"portfolio": o.digital.pk, "code": "P", "name": "P"}), "program", "create", "code"),
    ("program_update", lambda o: portfolios.program_update(actor=o.paula, program=o.program, data={"name": "Q"}),
     "program", "update", "name"),
    ("goal_create", lambda o: portfolios.goal_create(actor=o.paula, portfolio=o.digital,
                                                     data={"code": "G", "name": "G"}), "strategicgoal", "create",
     "weight"),
    ("custom_field_create", lambda o: portfolios.custom_field_create(
        actor=o.paula, portfolio=o.digital, data={"target": "task", "key": "k", "label": "K", "field_type": "text"}),
     "customfield", "create", "key"),
    ("project_create", lambda o: projects.project_create(
        actor=o.paula, data={"portfolio": o.digital.pk, "code": "N", "name": "N"}), "project", "create", "code"),
    ("project_update", lambda o: projects.project_update(actor=o.mark, project=o.apollo, data={"stage": "planning"}),
     "project", "update", "stage"),
    ("task_create", lambda o: projects.task_create(actor=o.mark, project=o.apollo, data={"name": "T"}),
     "task", "create", "name"),
    ("task_update", lambda o: projects.task_update(actor=o.cora, task=o.task_a, data={"percent_complete": 5}),
     "task", "update", "percent_complete"),
    ("task_move", lambda o: projects.task_move(actor=o.mark, task=o.task_b, parent=None, position=0),
     "task", "update", "parent"),
    ("dependency_create", lambda o: projects.dependency_create(
        actor=o.mark, project=o.apollo, data={"predecessor": o.task_a.pk, "successor": o.task_b.pk}),
     "dependency", "create", "predecessor"),
    ("checklist_item_add", lambda o: projects.checklist_item_add(actor=o.cora, task=o.task_a, text="Ask"),
     "checklistitem", "create", "text"),
    ("comment_add", lambda o: projects.comment_add(actor=o.vera, task=o.task_a, body="Nice"),
     "comment", "create", "body"),
    ("project_goal_link", lambda o: projects.project_goal_link(
        actor=o.mark, project=o.apollo, goal_id=GoalFactory(portfolio=o.digital).pk), "projectgoal", "create", "goal"),
    ("membership_grant", lambda o: accounts.membership_grant(
        actor=o.paula, role=Role.VIEWER, user=o.olga.pk, project=o.zeus.pk), "membership", "create", "role"),
    ("team_create", lambda o: accounts.team_create(actor=o.ada, name="T"), "team", "create", "name"),
]


@pytest.mark.parametrize(("name", "write", "object_type", "action", "changed"), WRITES, ids=[w[0] for w in WRITES])
def test_every_write_records_one_event_with_actor_action_and_changes(org, name, write, object_type, action, changed):
    before = AuditEvent.objects.count()
    obj = write(org)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.object_type, event.object_id, event.action) == (object_type, obj.pk, action)
    assert event.actor is not None and event.actor.username in {"ada", "paula", "mark", "cora", "vera"}
    assert changed in event.changes
    assert event.object_repr == str(obj)
    if action == "update":
        assert all(isinstance(v, list) and len(v) == 2 for v in event.changes.values())


DELETES = [
    ("project_delete", lambda o: (o.zeus, lambda: projects.project_delete(actor=o.ada, project=o.zeus)), "project"),
    ("task_delete", lambda o: (o.task_b, lambda: projects.task_delete(actor=o.mark, task=o.task_b)), "task"),
    ("program_delete", lambda o: (o.program, lambda: portfolios.program_delete(actor=o.ada, program=o.program)),
     "program"),
    ("comment_delete", lambda o: (c := Comment.objects.create(task=o.task_a, author=o.cora, body="x"),
                                  lambda: projects.comment_delete(actor=o.cora, comment=c)), "comment"),
    ("checklist_item_delete", lambda o: (i := ChecklistItem.objects.create(task=o.task_a, text="x"),
                                         lambda: projects.checklist_item_delete(actor=o.cora, item=i)),
     "checklistitem"),
]


@pytest.mark.parametrize(("name", "make", "object_type"), DELETES, ids=[d[0] for d in DELETES])
def test_deletes_are_recorded_with_what_was_lost(org, name, make, object_type):
    obj, delete = make(org)
    pk = obj.pk
    delete()
    event = AuditEvent.objects.get(object_type=object_type, object_id=pk, action="delete")
    assert event.changes and event.actor is not None
    assert list(audit_for_object(object_type=object_type, object_id=pk)) == [event]


def test_project_history_gathers_the_project_and_what_hangs_off_it(org):
    projects.project_update(actor=org.mark, project=org.apollo, data={"name": "Apollo 2"})
    projects.task_update(actor=org.cora, task=org.task_a, data={"status": "in_progress"})
    projects.comment_add(actor=org.cora, task=org.task_a, body="started")
    projects.task_create(actor=org.ada, project=org.zeus, data={"name": "Elsewhere"})
    history = audit_for_project(project_id=org.apollo.pk)
    assert [e.object_type for e in history] == ["comment", "task", "project"]  # newest first


# --- who sees which events --------------------------------------------------------------------------------


@pytest.fixture
def trail(org):
    projects.project_update(actor=org.ada, project=org.apollo, data={"name": "A"})
    projects.project_update(actor=org.ada, project=org.zeus, data={"name": "Z"})
    projects.project_update(actor=org.ada, project=org.hidden, data={"name": "H"})
    portfolios.portfolio_update(actor=org.ada, portfolio=org.digital, data={"name": "D"})
    portfolios.portfolio_update(actor=org.ada, portfolio=org.other, data={"name": "O"})
    portfolios.program_update(actor=org.ada, program=org.program, data={"name": "P"})
    accounts.team_create(actor=org.ada, name="Everyone")
    return org


def _seen(user):
    return sorted(e.object_repr for e in audit_visible(user=user))


def test_outsider_sees_no_event(trail):
    assert _seen(trail.olga) == []


def test_administrator_sees_every_event(trail):
    assert len(_seen(trail.ada)) == AuditEvent.objects.count() == 7


def test_portfolio_members_see_events_of_their_portfolios_and_projects(trail):
    expected = ["APOLLO A", "D", "P", "ZEUS Z"]
    assert _seen(trail.vera) == expected
    assert _seen(trail.paula) == expected


def test_project_members_see_only_their_projects_events(trail):
    assert _seen(trail.mark) == ["APOLLO A"]
    assert _seen(trail.cora) == ["APOLLO A"]


def test_events_of_a_project_moved_away_are_hidden_from_the_old_portfolio(trail):
    projects.project_update(actor=trail.ada, project=Project.objects.get(pk=trail.zeus.pk),
                            data={"portfolio": trail.other.pk})
    assert not any(r.startswith("ZEUS") for r in _seen(trail.vera))


# --- one transaction: a failed write leaves nothing behind --------------------------------------------------


def test_project_with_a_bad_custom_value_creates_nothing(org):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    projects_before, events_before = Project.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        projects.project_create(actor=org.ada, data={"portfolio": org.digital.pk, "code": "NEW", "name": "N",
                                                     "tags": ["fresh"], "custom_fields": {"budget": "lots"}})
    assert (Project.objects.count(), AuditEvent.objects.count()) == (projects_before, events_before)
    from portfolium.projects.models import Tag

    assert not Tag.objects.filter(name="fresh").exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda o: projects.dependency_create(actor=o.mark, project=o.apollo,
                                             data={"predecessor": o.task_a.pk, "successor": o.task_a.pk}),
        lambda o: projects.task_update(actor=o.cora, task=o.task_a, data={"status": "blocked"}),
        lambda o: projects.task_update(actor=o.cora, task=o.task_a, data={"name": "mine now"}),
        lambda o: projects.task_move(actor=o.mark, task=o.phase, parent=o.task_a.pk, position=0),
        lambda o: portfolios.portfolio_delete(actor=o.ada, portfolio=o.digital),
        lambda o: portfolios.portfolio_update(actor=o.ada, portfolio=o.digital, data={"parent": o.web.pk}),
        lambda o: portfolios.goal_create(actor=o.ada, portfolio=o.digital, data={"code": "G", "name": "G",
                                                                                 "weight": Decimal("-1")}),
        lambda o: accounts.membership_grant(actor=o.mark, role=Role.ADMIN, user=o.mark.pk, project=o.apollo.pk),
        lambda o: accounts.team_create(actor=o.paula, name="Mine"),
        lambda o: projects.comment_add(actor=o.cora, task=o.task_a, body="   "),
    ],
)
def test_refused_writes_record_no_event(org, attempt):
    with pytest.raises(PortfoliumError):
        attempt(org)
    assert not AuditEvent.objects.exists()


def test_a_failure_after_the_write_rolls_the_write_back(org, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(projects, "audit_record", broken)
    monkeypatch.setattr(portfolios, "audit_record", broken)
    with pytest.raises(RuntimeError):
        projects.task_create(actor=org.mark, project=org.apollo, data={"name": "Ghost", "parent": org.phase.pk})
    with pytest.raises(RuntimeError):
        projects.dependency_create(actor=org.mark, project=org.apollo,
                                   data={"predecessor": org.task_a.pk, "successor": org.task_b.pk})
    with pytest.raises(RuntimeError):
        portfolios.portfolio_create(actor=org.ada, data={"code": "GHOST", "name": "Ghost"})
    assert not Task.objects.filter(name="Ghost").exists()
    assert Project.objects.get(pk=org.apollo.pk).task_count == 0  # the rollup was rolled back too
    assert not TaskDependency.objects.exists()
    assert not Portfolio.objects.filter(code="GHOST").exists()


# --- the helpers ------------------------------------------------------------------------------------------


def test_snapshot_and_diff_are_json_ready(org):
    import datetime as dt

    assert jsonable({"d": dt.date(2026, 1, 2), "n": Decimal("2.50"), "m": Decimal("3.00"), "s": {2, 1},
                     "o": org.cora}) == {"d": "2026-01-02", "n": "2.50", "m": "3", "s": [1, 2], "o": org.cora.pk}
    snap = snapshot(org.apollo, ("code", "portfolio", "start"))
    assert snap == {"code": "APOLLO", "portfolio": org.digital.pk, "start": "2026-01-05"}
    assert diff(snap, {**snap, "code": "X"}) == {"code": ["APOLLO", "X"]}


def test_a_project_member_reads_portfolio_and_program_ids_in_history_as_hidden(org, client_for):
    from portfolium.projects import services as project_services

    project_services.project_update(actor=org.paula, project=org.apollo, data={"program": None})
    url = f"/api/projects/{org.apollo.pk}/history"
    as_mark = client_for(org.mark).get(url).json()["items"][0]["changes"]
    assert as_mark["program"] == ["hidden", None]
    as_vera = client_for(org.vera).get(url).json()["items"][0]["changes"]
    assert as_vera["program"] == [org.program.pk, None]


def test_the_project_page_history_hides_what_the_member_cannot_see(org, client_for):
    from portfolium.projects import services as project_services

    project_services.project_update(actor=org.paula, project=org.apollo,
                                    data={"program": None, "health": "amber", "health_reason": "Late vendor"})
    html = client_for(org.mark).get(f"/projects/{org.apollo.pk}/").content.decode()
    assert "Late vendor" in html
    assert "hidden" in html
    assert org.program.name not in html
