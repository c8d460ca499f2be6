"""Editing a plan reschedules it in the same transaction, with Microsoft Project's editing rules: a typed
start pins the task, a typed finish sets its duration, phases roll up, milestones take no time, progress
records actual dates, and a change the engine refuses is not stored at all.

Apollo starts on Monday 5 January 2026 and has no default calendar here (the engine's standard one).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolium.accounts.models import Role
from portfolium.audit.models import AuditEvent
from portfolium.core.errors import ValidationError
from portfolium.projects import services
from portfolium.projects.models import Project, Task, TaskDependency
from tests.factories import CalendarFactory, ProjectFactory, TaskFactory, grant

D = dt.date


def _fresh(task):
    return Task.objects.get(pk=task.pk)


def _create(org, name, **data):
    return services.task_create(actor=org.mark, project=org.apollo, data={"name": name, **data})


def _link(org, pred, succ, project=None, **data):
    return services.dependency_create(
        actor=org.mark,
        project=project or org.apollo,
        data={"predecessor": pred.pk, "successor": succ.pk, **data},
    )


def test_a_new_task_is_scheduled_at_once(org):
    task = _create(org, "Survey", duration="3d")
    assert (task.start, task.finish, task.duration_minutes) == (D(2026, 1, 5), D(2026, 1, 7), 1440)
    assert Project.objects.get(pk=org.apollo.pk).scheduled_finish == D(2026, 1, 7)


def test_typing_a_start_pins_it_with_start_no_earlier_than(org):
    task = services.task_update(actor=org.mark, task=org.task_a, data={"start": D(2026, 1, 12)})
    assert (task.constraint_type, task.constraint_date) == ("SNET", D(2026, 1, 12))
    assert (task.start, task.finish) == (D(2026, 1, 12), D(2026, 1, 12))
    # a predecessor that ends later still wins: the constraint is "no earlier than"
    before = _create(org, "Long lead", duration="2w")
    _link(org, before, org.task_a)
    assert (_fresh(org.task_a).start, _fresh(org.task_a).constraint_type) == (D(2026, 1, 19), "SNET")


def test_a_start_typed_after_the_scheduled_finish_moves_the_whole_task(org):
    task = services.task_update(actor=org.mark, task=_fresh(org.task_b), data={"start": D(2026, 2, 2)})
    assert (task.start, task.finish, task.duration_minutes) == (D(2026, 2, 2), D(2026, 2, 2), 480)
    gate = services.task_update(actor=org.mark, task=_fresh(org.milestone), data={"start": D(2026, 3, 2)})
    assert (gate.start, gate.finish) == (D(2026, 3, 2), D(2026, 3, 2))


def test_an_explicit_constraint_wins_over_the_typed_start(org):
    task = services.task_update(
        actor=org.mark,
        task=org.task_a,
        data={"start": D(2026, 1, 12), "constraint_type": "MSO", "constraint_date": D(2026, 1, 14)},
    )
    assert (task.constraint_type, task.constraint_date, task.start) == ("MSO", D(2026, 1, 14), D(2026, 1, 14))


def test_typing_a_finish_sets_the_duration_in_working_time(org):
    task = services.task_update(
        actor=org.mark, task=org.task_a, data={"start": D(2026, 1, 5), "finish": D(2026, 1, 13)}
    )
    assert task.duration_minutes == 7 * 480  # Mon 5 to Tue 13: seven working days
    assert (task.start, task.finish) == (D(2026, 1, 5), D(2026, 1, 13))
    task = services.task_update(actor=org.mark, task=task, data={"finish": D(2026, 1, 6)})
    assert (task.duration_minutes, task.finish) == (960, D(2026, 1, 6))


def test_a_finish_on_a_four_day_week_counts_its_working_days(org):
    four = CalendarFactory(name="Four-day week", week=[[[480, 1020]]] * 4 + [[], [], []], minutes_per_day=540)
    task = services.task_update(
        actor=org.mark,
        task=org.task_a,
        data={"calendar": four.pk, "start": D(2026, 1, 5), "finish": D(2026, 1, 12)},
    )
    assert task.duration_minutes == 5 * 540  # Mon-Thu, then Monday
    assert task.finish == D(2026, 1, 12)


@pytest.mark.parametrize(
    ("text", "minutes"), [("3d", 1440), ("4h", 240), ("1w", 2400), ("90m", 90), ("1.5d", 720), ("2", 960)]
)
def test_a_readable_duration_becomes_minutes(org, text, minutes):
    assert (
        services.task_update(actor=org.mark, task=org.task_a, data={"duration": text}).duration_minutes
        == minutes
    )


@pytest.mark.parametrize("text", ["soon", "-1d", "3 fortnights", ""])
def test_an_unreadable_duration_names_the_field(org, text):
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.mark, task=org.task_a, data={"duration": text})
    assert "duration" in exc.value.errors


@pytest.mark.parametrize("field", ["start", "finish", "duration_minutes"])
def test_a_phases_dates_roll_up_and_cannot_be_typed(org, field):
    value = 960 if field == "duration_minutes" else D(2026, 2, 2)
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.mark, task=org.phase, data={field: value})
    assert "roll up" in exc.value.errors[field]


def test_a_phase_spans_its_tasks(org):
    services.task_update(actor=org.mark, task=org.task_b, data={"duration": "4d"})
    _link(org, org.task_a, org.task_b)
    phase = _fresh(org.phase)
    assert (phase.start, phase.finish) == (D(2026, 1, 5), D(2026, 1, 9))


def test_a_milestone_takes_no_time(org):
    gate = _create(org, "Gate", kind="milestone")
    assert gate.duration_minutes == 0 and gate.start == gate.finish
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.mark, task=gate, data={"duration_minutes": 480})
    assert "duration_minutes" in exc.value.errors
    task = services.task_update(actor=org.mark, task=org.task_a, data={"kind": "milestone"})
    assert task.duration_minutes == 0


def test_progress_records_actual_dates(org, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: D(2026, 1, 14))
    services.task_update(actor=org.mark, task=org.task_a, data={"start": D(2026, 1, 12)})
    task = services.task_update(actor=org.cora, task=_fresh(org.task_a), data={"status": "in_progress"})
    assert task.actual_start == D(2026, 1, 12)  # the scheduled start, in the past
    task = services.task_update(actor=org.cora, task=task, data={"status": "done"})
    assert (task.actual_finish, task.percent_complete) == (D(2026, 1, 12), 100)
    late = _create(org, "Later", start=D(2026, 2, 2))
    late = services.task_update(actor=org.cora, task=late, data={"status": "in_progress"})
    assert late.actual_start == D(2026, 1, 14)  # scheduled in the future: it started today
    late = services.task_update(actor=org.cora, task=late, data={"status": "not_started"})
    assert (late.actual_start, late.actual_finish) == (None, None)


def test_a_dated_constraint_needs_a_date(org):
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.mark, task=org.task_a, data={"constraint_type": "MFO"})
    assert exc.value.errors == {"constraint_date": "a 'Must finish on' constraint needs a date"}


def test_a_change_the_engine_refuses_is_not_stored(org):
    # Wireframes -> Design is a loop (Design holds Wireframes): the link is refused and nothing is written.
    with pytest.raises(ValidationError) as exc:
        _link(org, org.task_a, org.phase)
    assert "loop" in exc.value.errors["predecessor"]
    assert not TaskDependency.objects.exists()
    assert not AuditEvent.objects.filter(object_type="dependency").exists()


def test_changing_a_link_reschedules(org):
    dep = _link(org, org.task_a, org.task_b)
    assert _fresh(org.task_b).start == D(2026, 1, 6)
    services.dependency_update(actor=org.mark, dependency=dep, data={"lag": Decimal("2"), "lag_unit": "d"})
    assert _fresh(org.task_b).start == D(2026, 1, 8)
    services.dependency_delete(actor=org.mark, dependency=dep)
    assert _fresh(org.task_b).start == D(2026, 1, 5)


def test_moving_the_project_start_moves_the_plan(org):
    _create(org, "Survey", duration="2d")
    services.project_update(actor=org.mark, project=org.apollo, data={"start": D(2026, 2, 2)})
    assert Project.objects.get(pk=org.apollo.pk).scheduled_finish == D(2026, 2, 3)


def test_the_project_calendar_drives_its_tasks(org):
    night = CalendarFactory(name="Weekends too", week=[[[480, 960]]] * 7, minutes_per_day=480)
    _create(org, "Round the week", duration="6d")
    services.project_update(actor=org.mark, project=org.apollo, data={"calendar": night.pk})
    assert Project.objects.get(pk=org.apollo.pk).scheduled_finish == D(2026, 1, 10)  # a Saturday


def test_an_unknown_calendar_names_the_field(org):
    with pytest.raises(ValidationError) as exc:
        services.project_update(actor=org.mark, project=org.apollo, data={"calendar": 999_999})
    assert "calendar" in exc.value.errors


def test_computed_fields_do_not_flood_the_audit_trail(org):
    for i in range(5):
        _create(org, f"Step {i}")
    before = AuditEvent.objects.count()
    services.task_update(
        actor=org.mark, task=_fresh(org.task_a), data={"duration": "5d"}
    )  # no links: moves nothing else
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1 and set(events[0].changes) == {"duration_minutes"}


# --- cross-project links ----------------------------------------------------------------------------------


@pytest.fixture
def supplier(org):
    """A project of the same program as Apollo (Mark, Apollo's manager, views it through a program role)."""
    project = ProjectFactory(
        code="SUPPLY", portfolio=org.digital, program=org.program, start=D(2026, 1, 5), finish=None
    )
    grant(org.mark, Role.VIEWER, project=project)
    return project


def test_a_predecessor_may_sit_in_another_project_of_the_program(org, supplier):
    parts = TaskFactory(project=supplier, name="Parts", duration_minutes=3 * 480)
    services.task_update(actor=org.ada, task=parts, data={"name": "Parts made"})  # schedules the supplier
    dep = _link(org, parts, org.task_a)
    assert dep.project == org.apollo
    assert _fresh(org.task_a).start == D(2026, 1, 8)
    services.task_update(actor=org.ada, task=_fresh(parts), data={"duration": "5d"})  # the supplier slips...
    assert _fresh(org.task_a).start == D(2026, 1, 12)  # ...and Apollo follows in the same transaction


def test_a_predecessor_in_a_project_the_actor_cannot_see_is_refused(org):
    secret = TaskFactory(project=org.hidden)
    with pytest.raises(ValidationError) as exc:
        _link(org, secret, org.task_a)
    assert exc.value.errors == {"predecessor": "no such task in this project or in a project you can see"}


def test_a_predecessor_outside_the_program_and_portfolio_is_refused(org):
    elsewhere = TaskFactory(project=org.hidden)
    with pytest.raises(ValidationError) as exc:
        services.dependency_create(
            actor=org.ada, project=org.apollo, data={"predecessor": elsewhere.pk, "successor": org.task_a.pk}
        )
    assert "same program or portfolio" in exc.value.errors["predecessor"]


def test_a_loop_across_projects_is_refused_naming_both_projects_tasks(org, supplier):
    parts = TaskFactory(project=supplier, name="Parts")
    _link(org, parts, org.task_a)
    services.dependency_create(
        actor=org.ada, project=supplier, data={"predecessor": org.task_b.pk, "successor": parts.pk}
    )
    with pytest.raises(ValidationError) as exc:
        _link(org, org.task_a, org.task_b)
    assert exc.value.errors == {
        "predecessor": "Links form a loop: Wireframes → Visual design → SUPPLY: Parts → Wireframes"
    }


# --- scale ------------------------------------------------------------------------------------------------


def test_a_task_update_on_a_large_project_takes_a_constant_number_of_queries(org):
    def build(n):
        project = ProjectFactory(portfolio=org.digital, start=D(2026, 1, 5), finish=None)
        tasks = Task.objects.bulk_create([Task(project=project, name=f"T{i}", position=i) for i in range(n)])
        TaskDependency.objects.bulk_create(
            [
                TaskDependency(project=project, predecessor=tasks[i - 1], successor=tasks[i])
                for i in range(1, n)
            ]
        )
        return tasks

    def queries(tasks):
        task = Task.objects.select_related("project").get(pk=tasks[0].pk)
        with CaptureQueriesContext(connection) as ctx:
            services.task_update(
                actor=org.ada, task=task, data={"duration_minutes": task.duration_minutes + 60}
            )
        return len(ctx)

    small, large = build(5), build(150)
    assert queries(large) == queries(small)


def test_deleting_a_predecessor_project_frees_its_successors(org, supplier):
    parts = TaskFactory(project=supplier, name="Parts", duration_minutes=3 * 480)
    _link(org, parts, org.task_a)
    services.task_update(actor=org.ada, task=_fresh(parts), data={"duration": "5d"})
    assert _fresh(org.task_a).start == D(2026, 1, 12)
    services.project_delete(actor=org.ada, project=Project.objects.get(pk=supplier.pk))
    assert _fresh(org.task_a).start == D(2026, 1, 5)
