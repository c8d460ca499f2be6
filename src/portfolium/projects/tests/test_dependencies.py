"""Task dependencies: never on itself, never twice, never in a loop (within or across projects)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolium.audit.models import AuditEvent
from portfolium.core.errors import ValidationError
from portfolium.projects import services
from portfolium.projects.models import TaskDependency
from tests.factories import ProjectFactory, TaskFactory


def _link(org, pred, succ, **data):
    return services.dependency_create(actor=org.mark, project=org.apollo,
                                      data={"predecessor": pred.pk, "successor": succ.pk, **data})


def _error(org, pred, succ):
    with pytest.raises(ValidationError) as exc:
        _link(org, pred, succ)
    return exc.value.errors


def test_link_is_created_and_audited(org):
    dep = _link(org, org.task_a, org.task_b, type="SS", lag=2, lag_unit="h")
    assert (dep.project, dep.type, dep.lag, dep.lag_unit) == (org.apollo, "SS", Decimal("2"), "h")
    event = AuditEvent.objects.get(object_type="dependency", object_id=dep.pk, action="create")
    assert event.changes == {"predecessor": org.task_a.pk, "successor": org.task_b.pk, "type": "SS", "lag": "2",
                             "lag_unit": "h"}
    assert event.project_id == org.apollo.pk


def test_the_successor_must_be_in_the_project_and_the_predecessor_in_its_program_or_portfolio(org):
    foreign = TaskFactory(project=org.zeus)  # a sub-portfolio of Apollo's: neither the same portfolio nor program
    assert "successor" in _error(org, org.task_a, foreign)
    assert "predecessor" in _error(org, foreign, org.task_a)
    assert not TaskDependency.objects.exists()


def test_a_task_cannot_depend_on_itself(org):
    assert _error(org, org.task_a, org.task_a) == {"successor": "a task cannot depend on itself"}


def test_the_same_link_cannot_be_made_twice(org):
    _link(org, org.task_a, org.task_b)
    assert _error(org, org.task_a, org.task_b) == {"successor": "this dependency already exists"}


def test_the_reverse_link_is_a_cycle(org):
    _link(org, org.task_a, org.task_b)
    assert _error(org, org.task_b, org.task_a) == {"predecessor": "Links form a loop: Visual design → Wireframes → Visual design"}


def test_cycle_message_names_the_loop_in_order(org):
    _link(org, org.task_a, org.task_b)
    _link(org, org.task_b, org.milestone)
    message = _error(org, org.milestone, org.task_a)["predecessor"]
    assert message == ("Links form a loop: "
                       "Design signed off → Wireframes → Visual design → Design signed off")
    assert TaskDependency.objects.count() == 2


def test_diamonds_are_not_cycles(org):
    start = TaskFactory(project=org.apollo, name="Kick-off", position=5)
    _link(org, start, org.task_a)
    _link(org, start, org.task_b)
    _link(org, org.task_a, org.milestone)
    _link(org, org.task_b, org.milestone)
    assert TaskDependency.objects.count() == 4


def test_a_link_between_a_summary_and_its_own_subtask_is_a_loop(org):
    # Links on a summary apply to every task under it, so Design -> Wireframes makes Wireframes wait for itself.
    errors = _error(org, org.phase, org.task_a)
    assert "loop" in errors["predecessor"] and "Wireframes" in errors["predecessor"]
    assert not TaskDependency.objects.exists()


@pytest.mark.parametrize(("data", "field"), [({"type": "XX"}, "type"), ({"lag": "soon"}, "lag"),
                                              ({"lag_unit": "weeks"}, "lag_unit"), ({"lag_days": 2}, "lag_days"),
                                              ({"colour": "red"}, "colour")])
def test_bad_link_input_names_the_field(org, data, field):
    with pytest.raises(ValidationError) as exc:
        _link(org, org.task_a, org.task_b, **data)
    assert field in exc.value.errors


def test_update_changes_type_and_lag_only(org):
    dep = _link(org, org.task_a, org.task_b)
    services.dependency_update(actor=org.mark, dependency=dep, data={"type": "FF", "lag": Decimal("-1.5")})
    assert AuditEvent.objects.get(object_type="dependency", action="update").changes == {
        "type": ["FS", "FF"], "lag": ["0", "-1.5"]}
    with pytest.raises(ValidationError) as exc:
        services.dependency_update(actor=org.mark, dependency=dep, data={"successor": org.milestone.pk})
    assert "successor" in exc.value.errors


def test_delete_is_audited(org):
    dep = _link(org, org.task_a, org.task_b)
    pk = dep.pk
    services.dependency_delete(actor=org.mark, dependency=dep)
    assert not TaskDependency.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_type="dependency", object_id=pk, action="delete").exists()


def test_deleting_a_task_removes_its_links(org):
    _link(org, org.task_a, org.task_b)
    services.task_delete(actor=org.mark, task=org.task_b)
    assert not TaskDependency.objects.exists()


# --- property: whatever links are attempted, the stored graph stays acyclic -------------------------------


def _acyclic(edges: set[tuple[int, int]]) -> bool:
    succ: dict[int, set[int]] = {}
    indegree: dict[int, int] = {}
    for p, s in edges:
        succ.setdefault(p, set()).add(s)
        indegree[s] = indegree.get(s, 0) + 1
        indegree.setdefault(p, 0)
    ready = [n for n, d in indegree.items() if d == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for s in succ.get(node, ()):
            indegree[s] -= 1
            if indegree[s] == 0:
                ready.append(s)
    return seen == len(indegree)


N_TASKS = 6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=st.lists(st.tuples(st.integers(0, N_TASKS - 1), st.integers(0, N_TASKS - 1)), max_size=25))
def test_random_link_attempts_never_store_a_cycle(org, attempts):
    project = ProjectFactory(portfolio=org.digital)
    tasks = [TaskFactory(project=project, name=f"T{i}") for i in range(N_TASKS)]
    accepted: set[tuple[int, int]] = set()
    for p, s in attempts:
        pred, succ = tasks[p].pk, tasks[s].pk
        try:
            services.dependency_create(actor=org.ada, project=project, data={"predecessor": pred, "successor": succ})
        except ValidationError as exc:
            # refused only for a reason: self, duplicate, or it would really close a loop
            assert p == s or (pred, succ) in accepted or not _acyclic(accepted | {(pred, succ)}), exc.errors
        else:
            assert _acyclic(accepted | {(pred, succ)})
            accepted.add((pred, succ))
    stored = set(TaskDependency.objects.filter(project=project).values_list("predecessor_id", "successor_id"))
    assert stored == accepted
    assert _acyclic(stored)
