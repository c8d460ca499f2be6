"""The work breakdown structure: where tasks sit, who may change what, and what rolls up to the project."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from portfolium.audit.models import AuditEvent
from portfolium.core.errors import PermissionDenied, ValidationError
from portfolium.projects import services
from portfolium.projects.models import Project, Task
from portfolium.projects.selectors import wbs_outline
from tests.factories import ProjectFactory, TaskFactory


def _dense(project):
    """Sibling positions are exactly 0..n-1 under every parent."""
    by_parent = defaultdict(list)
    for parent_id, position in Task.objects.filter(project=project).values_list("parent_id", "position"):
        by_parent[parent_id].append(position)
    for positions in by_parent.values():
        assert sorted(positions) == list(range(len(positions)))


def _outline(project):
    return [(r.wbs, r.task.name) for r in wbs_outline(project=project)]


def _create(org, name, **data):
    return services.task_create(actor=org.mark, project=org.apollo, data={"name": name, **data})


def _rollup(project):
    p = Project.objects.get(pk=project.pk)
    return p.progress, p.task_count, p.task_done_count, p.task_blocked_count


# --- creating and placing ---------------------------------------------------------------------------------


def test_new_task_is_appended_at_the_end_of_its_level(org):
    top = _create(org, "Build")
    child = _create(org, "Review", parent=org.phase.pk)
    assert (top.position, child.position) == (2, 2)
    assert _outline(org.apollo)[-2:] == [("2", "Design signed off"), ("3", "Build")]
    _dense(org.apollo)


@pytest.mark.parametrize(("position", "expected"), [(0, 0), (1, 1), (99, 2)])
def test_new_task_may_be_inserted_at_a_position(org, position, expected):
    task = _create(org, "Kickoff", parent=org.phase.pk, position=position)
    assert Task.objects.get(pk=task.pk).position == expected
    _dense(org.apollo)


def test_task_creation_is_audited_with_parent_and_assignees(org):
    task = _create(org, "Review", parent=org.phase.pk, assignees=[org.cora.pk], owner=org.cora.pk)
    event = AuditEvent.objects.get(object_type="task", object_id=task.pk, action="create")
    assert (event.actor, event.project_id) == (org.mark, org.apollo.pk)
    assert event.changes["parent"] == org.phase.pk and event.changes["assignees"] == [org.cora.pk]
    assert event.changes["owner"] == org.cora.pk


def test_parent_must_be_in_the_same_project(org):
    foreign = TaskFactory(project=org.zeus)
    with pytest.raises(ValidationError) as exc:
        _create(org, "Sneaky", parent=foreign.pk)
    assert "parent" in exc.value.errors


def test_milestone_cannot_have_children(org):
    with pytest.raises(ValidationError) as exc:
        _create(org, "Party", parent=org.milestone.pk)
    assert "parent" in exc.value.errors
    with pytest.raises(ValidationError):
        services.task_move(actor=org.mark, task=org.task_b, parent=org.milestone.pk, position=0)


def test_a_task_with_children_cannot_become_a_milestone(org):
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.mark, task=org.phase, data={"kind": "milestone"})
    assert "kind" in exc.value.errors


def test_milestone_has_no_duration(org):
    with pytest.raises(ValidationError) as exc:
        _create(org, "Gate", kind="milestone", start=dt.date(2026, 3, 1), finish=dt.date(2026, 3, 2))
    assert "finish" in exc.value.errors


def test_task_finish_before_start_names_the_field(org):
    with pytest.raises(ValidationError) as exc:
        _create(org, "Backwards", start=dt.date(2026, 3, 2), finish=dt.date(2026, 3, 1))
    assert "finish" in exc.value.errors


@pytest.mark.parametrize(("data", "field"), [({"owner": 987654}, "owner"), ({"assignees": [987654]}, "assignees"),
                                              ({"percent_complete": 101}, "percent_complete"),
                                              ({"estimate_hours": -1}, "estimate_hours"),
                                              ({"status": "someday"}, "status")])
def test_bad_task_input_names_the_field(org, data, field):
    with pytest.raises(ValidationError) as exc:
        _create(org, "Bad", **data)
    assert field in exc.value.errors
    assert not Task.objects.filter(name="Bad").exists()


# --- moving -----------------------------------------------------------------------------------------------


def test_move_to_another_parent_keeps_both_levels_dense(org):
    services.task_move(actor=org.mark, task=org.task_a, parent=None, position=1)
    assert _outline(org.apollo) == [("1", "Design"), ("1.1", "Visual design"), ("2", "Wireframes"),
                                    ("3", "Design signed off")]
    _dense(org.apollo)
    event = AuditEvent.objects.get(object_type="task", object_id=org.task_a.pk, action="update")
    assert event.changes == {"parent": [org.phase.pk, None], "position": [0, 1]}


def test_move_within_the_same_level_reorders(org):
    services.task_move(actor=org.mark, task=org.task_a, parent=org.phase.pk, position=5)
    assert _outline(org.apollo)[1:3] == [("1.1", "Visual design"), ("1.2", "Wireframes")]
    _dense(org.apollo)


def test_move_to_the_same_place_records_nothing(org):
    services.task_move(actor=org.mark, task=org.task_a, parent=org.phase.pk, position=0)
    assert not AuditEvent.objects.filter(object_type="task").exists()


def test_cannot_move_under_itself_or_its_subtree(org):
    sub = _create(org, "Sketches", parent=org.task_a.pk)
    for target in (org.phase, org.task_a, sub):
        task = Task.objects.get(pk=org.phase.pk if target == org.phase else org.task_a.pk)
        with pytest.raises(ValidationError) as exc:
            services.task_move(actor=org.mark, task=task, parent=target.pk, position=0)
        assert "parent" in exc.value.errors
    assert Task.objects.get(pk=org.phase.pk).parent_id is None


def test_negative_position_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.task_move(actor=org.mark, task=org.task_a, parent=None, position=-1)
    assert "position" in exc.value.errors


def test_indent_and_outdent_round_trip(org):
    build = _create(org, "Build")
    services.task_move(actor=org.mark, task=build, parent=None, position=1)  # Design, Build, Sign-off
    moved = services.task_indent(actor=org.mark, task=Task.objects.get(pk=build.pk))
    assert (moved.parent_id, moved.position) == (org.phase.pk, 2)
    assert _outline(org.apollo)[3] == ("1.3", "Build")
    _dense(org.apollo)
    back = services.task_outdent(actor=org.mark, task=Task.objects.get(pk=build.pk))
    assert (back.parent_id, back.position) == (None, 1)
    assert [name for _, name in _outline(org.apollo)] == ["Design", "Wireframes", "Visual design", "Build",
                                                          "Design signed off"]
    _dense(org.apollo)


def test_indent_under_a_milestone_is_refused(org):
    build = _create(org, "Build")
    with pytest.raises(ValidationError) as exc:
        services.task_indent(actor=org.mark, task=build)
    assert "parent" in exc.value.errors


def test_first_task_cannot_be_indented_nor_a_top_level_one_outdented(org):
    with pytest.raises(ValidationError):
        services.task_indent(actor=org.mark, task=org.task_a)
    with pytest.raises(ValidationError):
        services.task_outdent(actor=org.mark, task=org.phase)


def test_shift_moves_among_siblings_and_stops_at_the_ends(org):
    services.task_shift(actor=org.mark, task=org.task_a, by=1)
    assert Task.objects.get(pk=org.task_a.pk).position == 1
    services.task_shift(actor=org.mark, task=Task.objects.get(pk=org.task_a.pk), by=-5)
    assert Task.objects.get(pk=org.task_a.pk).position == 0
    services.task_shift(actor=org.mark, task=Task.objects.get(pk=org.task_a.pk), by=5)
    assert Task.objects.get(pk=org.task_a.pk).position == 1
    _dense(org.apollo)


def test_delete_removes_the_subtree_and_renumbers(org):
    _create(org, "Sketches", parent=org.task_a.pk)
    services.task_delete(actor=org.mark, task=org.phase)
    assert _outline(org.apollo) == [("1", "Design signed off")]
    _dense(org.apollo)
    event = AuditEvent.objects.get(object_type="task", action="delete")
    assert event.changes["subtasks_deleted"] == 3


def test_delete_in_the_middle_closes_the_gap(org):
    _create(org, "Review", parent=org.phase.pk)
    services.task_delete(actor=org.mark, task=org.task_b)
    assert [(r.wbs, r.task.position) for r in wbs_outline(project=org.apollo)][1:3] == [("1.1", 0), ("1.2", 1)]


def test_update_refuses_to_move_a_task(org):
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.mark, task=org.task_a, data={"parent": None})
    assert "parent" in exc.value.errors


# --- who may change what ----------------------------------------------------------------------------------


def test_contributor_may_report_status_and_progress(org):
    services.task_update(actor=org.cora, task=org.task_a, data={"status": "in_progress", "percent_complete": 40})
    fresh = Task.objects.get(pk=org.task_a.pk)
    assert (fresh.status, fresh.percent_complete) == ("in_progress", 40)


@pytest.mark.parametrize("data", [{"name": "Renamed"}, {"due_date": dt.date(2026, 1, 1)}, {"assignees": []},
                                  {"status": "done", "owner": None}])
def test_contributor_may_not_change_the_plan(org, data):
    with pytest.raises(PermissionDenied) as exc:
        services.task_update(actor=org.cora, task=org.task_a, data=data)
    assert "manager" in str(exc.value)
    assert Task.objects.get(pk=org.task_a.pk).name == "Wireframes"


def test_viewer_may_not_change_even_the_status(org):
    with pytest.raises(PermissionDenied):
        services.task_update(actor=org.vera, task=org.task_a, data={"status": "done"})
    assert Task.objects.get(pk=org.task_a.pk).status == "not_started"


def test_manager_may_change_the_plan(org):
    task = Task.objects.get(pk=org.task_a.pk)
    services.task_update(actor=org.mark, task=task, data={"name": "Wires", "assignees": [org.mark.pk]})
    event = AuditEvent.objects.get(object_type="task", object_id=org.task_a.pk, action="update")
    assert event.changes == {"name": ["Wireframes", "Wires"], "assignees": [[org.cora.pk], [org.mark.pk]]}


def test_blocked_needs_a_reason_and_unblocking_clears_it(org):
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.cora, task=org.task_a, data={"status": "blocked", "blocked_reason": "  "})
    assert "blocked_reason" in exc.value.errors
    services.task_update(actor=org.cora, task=Task.objects.get(pk=org.task_a.pk),
                         data={"status": "blocked", "blocked_reason": "waiting on legal"})
    assert _rollup(org.apollo)[3] == 1
    services.task_update(actor=org.cora, task=Task.objects.get(pk=org.task_a.pk), data={"status": "in_progress"})
    fresh = Task.objects.get(pk=org.task_a.pk)
    assert (fresh.status, fresh.blocked_reason) == ("in_progress", "")
    assert _rollup(org.apollo)[3] == 0


def test_done_means_one_hundred_percent(org):
    task = services.task_update(actor=org.cora, task=org.task_a, data={"status": "done", "percent_complete": 30})
    assert task.percent_complete == 100
    assert Task.objects.get(pk=org.task_a.pk).percent_complete == 100


# --- rollups onto the project -----------------------------------------------------------------------------


def test_progress_is_weighted_by_estimated_hours(org):
    # leaves: wireframes 16 h, visual design 24 h, the milestone weighs nothing
    services.task_update(actor=org.cora, task=org.task_a, data={"percent_complete": 50})
    assert _rollup(org.apollo) == (Decimal("20.0"), 4, 0, 0)  # 16*50 / 40
    services.task_update(actor=org.cora, task=org.task_b, data={"status": "done"})
    assert _rollup(org.apollo) == (Decimal("80.0"), 4, 1, 0)  # (800 + 2400) / 40
    services.task_update(actor=org.cora, task=org.milestone, data={"status": "done"})
    assert _rollup(org.apollo) == (Decimal("80.0"), 4, 2, 0)


def test_tasks_without_an_estimate_weigh_one_day(org):
    _create(org, "Unestimated", percent_complete=100)  # 8 h at 100 %
    assert _rollup(org.apollo)[:2] == (Decimal("16.7"), 5)  # 800 / 48


def test_summary_tasks_do_not_count_twice(org):
    services.task_update(actor=org.mark, task=org.phase, data={"estimate_hours": Decimal("1000"),
                                                                 "percent_complete": 100})
    assert _rollup(org.apollo)[0] == Decimal("0.0")


def test_rollup_follows_creates_moves_and_deletes(org):
    services.task_update(actor=org.cora, task=org.task_b, data={"status": "done"})  # 24 of 40 h
    assert _rollup(org.apollo)[:2] == (Decimal("60.0"), 4)
    sub = _create(org, "Sketches", parent=org.task_a.pk, estimate_hours=Decimal("16"))
    assert _rollup(org.apollo)[:2] == (Decimal("60.0"), 5)  # task_a is a summary now, sketches replace it
    services.task_move(actor=org.mark, task=Task.objects.get(pk=org.task_b.pk), parent=sub.pk, position=0)
    assert _rollup(org.apollo)[:2] == (Decimal("100.0"), 5)  # only visual design (done) is a leaf now
    services.task_delete(actor=org.mark, task=Task.objects.get(pk=org.task_a.pk))
    assert _rollup(org.apollo) == (Decimal("0.0"), 2, 0, 0)  # design (now a leaf) and the milestone


def test_rollup_dates_span_the_tasks(org):
    # Scheduled dates now: the fixture's tasks start with the project on Monday 5 January.
    _create(org, "Early", start=dt.date(2026, 1, 7), finish=dt.date(2026, 1, 9))
    _create(org, "Late", start=dt.date(2026, 9, 28), due_date=dt.date(2026, 9, 30))
    fresh = Project.objects.get(pk=org.apollo.pk)
    assert (fresh.rollup_start, fresh.rollup_finish) == (dt.date(2026, 1, 5), dt.date(2026, 9, 28))


def test_rollup_of_an_empty_project(org):
    empty = ProjectFactory(portfolio=org.digital, progress=Decimal("55"), task_count=9)
    services.project_rollup_refresh(project=empty)
    assert _rollup(empty) == (Decimal("0"), 0, 0, 0)
    assert (empty.progress, empty.task_count, empty.rollup_start, empty.rollup_finish) == (Decimal("0"), 0, None, None)
