"""Baselines: a manager snapshots the schedule under a unique name, renames or deletes it; the comparison
shows what slipped since."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.audit.models import AuditEvent
from portfolium.core.errors import NotFound, PermissionDenied, ValidationError
from portfolium.projects import services as project_services
from portfolium.scheduling import services
from portfolium.scheduling.models import Baseline, BaselineTask
from portfolium.scheduling.selectors import baseline_compare

D = dt.date


@pytest.fixture
def scheduled(org):
    project_services.task_update(actor=org.mark, task=org.task_b, data={"duration": "3d"})
    project_services.dependency_create(
        actor=org.mark, project=org.apollo, data={"predecessor": org.task_b.pk, "successor": org.milestone.pk}
    )
    return org


def test_a_manager_saves_a_baseline_of_every_task(scheduled):
    org = scheduled
    baseline = services.baseline_save(actor=org.mark, project=org.apollo, name="  Approved plan ")
    assert (baseline.name, baseline.created_by, baseline.project_finish) == (
        "Approved plan",
        org.mark,
        D(2026, 1, 7),
    )
    rows = {r.name: r for r in BaselineTask.objects.filter(baseline=baseline)}
    assert set(rows) == {"Design", "Wireframes", "Visual design", "Design signed off"}
    assert (
        rows["Visual design"].start,
        rows["Visual design"].finish,
        rows["Visual design"].duration_minutes,
    ) == (D(2026, 1, 5), D(2026, 1, 7), 1440)
    event = AuditEvent.objects.get(object_type="baseline", action="create")
    assert event.changes == {"name": "Approved plan", "tasks": 4, "project_finish": "2026-01-07"}
    assert event.project_id == org.apollo.pk


def test_baseline_names_are_unique_per_project(scheduled):
    org = scheduled
    services.baseline_save(actor=org.mark, project=org.apollo, name="Approved plan")
    with pytest.raises(ValidationError) as exc:
        services.baseline_save(actor=org.mark, project=org.apollo, name="approved PLAN")
    assert exc.value.errors == {"name": "this project already has a baseline named 'approved PLAN'"}
    services.baseline_save(actor=org.ada, project=org.zeus, name="Approved plan")  # another project: fine
    with pytest.raises(ValidationError) as exc:
        services.baseline_save(actor=org.mark, project=org.apollo, name="   ")
    assert exc.value.errors == {"name": "give the baseline a name"}


def test_rename_and_delete(scheduled):
    org = scheduled
    first = services.baseline_save(actor=org.mark, project=org.apollo, name="First")
    second = services.baseline_save(actor=org.mark, project=org.apollo, name="Second")
    with pytest.raises(ValidationError) as exc:
        services.baseline_rename(actor=org.mark, baseline=second, name="First")
    assert "name" in exc.value.errors
    services.baseline_rename(actor=org.mark, baseline=second, name="Re-plan")
    assert Baseline.objects.get(pk=second.pk).name == "Re-plan"
    services.baseline_delete(actor=org.mark, baseline=first)
    assert list(Baseline.objects.values_list("name", flat=True)) == ["Re-plan"]
    assert not BaselineTask.objects.filter(baseline_id=first.pk).exists()
    assert AuditEvent.objects.filter(object_type="baseline").count() == 4


@pytest.mark.parametrize(
    ("user", "error"), [("cora", PermissionDenied), ("vera", PermissionDenied), ("olga", NotFound)]
)
def test_contributors_and_viewers_cannot_save_baselines(scheduled, user, error):
    org = scheduled
    with pytest.raises(error):
        services.baseline_save(actor=getattr(org, user), project=org.apollo, name="Mine")
    baseline = services.baseline_save(actor=org.mark, project=org.apollo, name="Approved")
    with pytest.raises(error):
        services.baseline_rename(actor=getattr(org, user), baseline=baseline, name="Mine")
    with pytest.raises(error):
        services.baseline_delete(actor=getattr(org, user), baseline=baseline)


def test_the_comparison_shows_the_milestone_that_slipped(scheduled):
    org = scheduled
    baseline = services.baseline_save(actor=org.mark, project=org.apollo, name="Approved plan")
    project_services.task_update(actor=org.mark, task=org.task_b, data={"duration": "5d"})
    rows = {r.name: r for r in baseline_compare(project=org.apollo, baseline=baseline)}
    gate = rows["Design signed off"]
    assert (gate.baseline_finish, gate.finish, gate.finish_variance, gate.slipped) == (
        D(2026, 1, 7),
        D(2026, 1, 9),
        2,
        True,
    )
    assert not rows["Wireframes"].slipped
