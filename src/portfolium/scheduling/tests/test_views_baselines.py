"""Baselines on the Gantt page: save, rename, delete, compare (sorted, "slipped only"), and who may do what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolium.projects.services import task_update
from portfolium.scheduling.models import Baseline
from portfolium.scheduling.services import baseline_save, schedule_recalculate
from tests.factories import DependencyFactory, TaskFactory
from tests.helpers import queries_for

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def planned(org):
    DependencyFactory(predecessor=org.task_a, successor=org.task_b)
    DependencyFactory(predecessor=org.task_b, successor=org.milestone)
    schedule_recalculate(project=org.apollo)
    return org


def add_url(project):
    return reverse("scheduling:baseline_add", args=[project.pk])


def compare_url(project, **query):
    from urllib.parse import urlencode

    return f"{reverse('scheduling:baseline_compare', args=[project.pk])}?{urlencode(query)}"


def test_manager_saves_a_baseline_and_sees_it_compared(client_for, planned):
    response = client_for(planned.mark).post(add_url(planned.apollo), {"name": "Signed plan"}, **HX)
    assert response.status_code == 200
    baseline = Baseline.objects.get(project=planned.apollo)
    assert baseline.name == "Signed plan" and baseline.tasks.count() == 4
    body = response.content.decode()
    assert "Signed plan" in body and 'id="compare"' in body
    assert all(r.state == "same" for r in response.context["compare_rows"])


def test_duplicate_or_empty_name_is_shown_by_the_field(client_for, planned):
    client = client_for(planned.mark)
    client.post(add_url(planned.apollo), {"name": "Plan"}, **HX)
    response = client.post(add_url(planned.apollo), {"name": "plan"}, **HX)
    assert response.status_code == 422 and "already has a baseline" in response.content.decode()
    response = client.post(add_url(planned.apollo), {"name": "  "}, **HX)
    assert response.status_code == 422 and "give the baseline a name" in response.content.decode()


@pytest.mark.parametrize("who, status", [("vera", 403), ("cora", 403), ("olga", 404)])
def test_only_managers_save_baselines(client_for, planned, who, status):
    response = client_for(getattr(planned, who)).post(add_url(planned.apollo), {"name": "Mine"}, **HX)
    assert response.status_code == status
    assert not Baseline.objects.exists()


def test_rename_and_delete(client_for, planned):
    baseline = baseline_save(actor=planned.mark, project=planned.apollo, name="First")
    client = client_for(planned.mark)
    response = client.post(
        reverse("scheduling:baseline_rename", args=[planned.apollo.pk, baseline.pk]),
        {"name": "Approved"},
        **HX,
    )
    assert response.status_code == 200
    assert Baseline.objects.get(pk=baseline.pk).name == "Approved"
    assert (
        client_for(planned.olga)
        .post(reverse("scheduling:baseline_delete", args=[planned.apollo.pk, baseline.pk]), **HX)
        .status_code
        == 404
    )
    assert (
        client_for(planned.vera)
        .post(reverse("scheduling:baseline_delete", args=[planned.apollo.pk, baseline.pk]), **HX)
        .status_code
        == 403
    )
    response = client_for(planned.mark).post(
        reverse("scheduling:baseline_delete", args=[planned.apollo.pk, baseline.pk]), **HX
    )
    assert response.status_code == 200 and not Baseline.objects.exists()


def test_compare_marks_a_slipped_milestone_and_filters_slipped_only(client_for, planned):
    baseline = baseline_save(actor=planned.mark, project=planned.apollo, name="Before")
    task_update(actor=planned.mark, task=planned.task_a, data={"duration": "3d"})
    added = TaskFactory(project=planned.apollo, name="Late addition")
    schedule_recalculate(project=planned.apollo)
    response = client_for(planned.vera).get(compare_url(planned.apollo, baseline=baseline.pk), **HX)
    assert response.status_code == 200
    rows = {r.name: r for r in response.context["compare_rows"]}
    assert rows["Design signed off"].slipped and rows["Design signed off"].finish_variance == 2
    assert rows["Wireframes"].slipped and not rows["Wireframes"].start_variance
    assert rows["Late addition"].state == "added" and added.pk == rows["Late addition"].task_id
    assert "is-slipped-milestone" in response.content.decode()
    only = client_for(planned.vera).get(compare_url(planned.apollo, baseline=baseline.pk, slipped="1"), **HX)
    assert {r.name for r in only.context["compare_rows"]} == {
        "Wireframes",
        "Visual design",
        "Design signed off",
    }


def test_compare_sorts_by_finish_variance(client_for, planned):
    baseline = baseline_save(actor=planned.mark, project=planned.apollo, name="Before")
    task_update(actor=planned.mark, task=planned.task_b, data={"duration": "4d"})
    response = client_for(planned.vera).get(
        compare_url(planned.apollo, baseline=baseline.pk, sort="-finish_variance"), **HX
    )
    variances = [r.finish_variance for r in response.context["compare_rows"]]
    assert variances == sorted(variances, reverse=True)


def test_a_removed_task_is_listed(client_for, planned):
    baseline = baseline_save(actor=planned.mark, project=planned.apollo, name="Before")
    planned.task_b.delete()
    response = client_for(planned.vera).get(compare_url(planned.apollo, baseline=baseline.pk), **HX)
    removed = [r for r in response.context["compare_rows"] if r.state == "removed"]
    assert [r.name for r in removed] == ["Visual design"]


def test_another_projects_baseline_is_not_compared(client_for, planned):
    other = baseline_save(actor=planned.ada, project=planned.zeus, name="Zeus plan")
    response = client_for(planned.mark).get(compare_url(planned.apollo, baseline=other.pk), **HX)
    assert response.status_code == 200 and response.context["compare_baseline"] is None


def test_compare_query_count_does_not_grow_with_rows(client_for, planned):
    baseline = baseline_save(actor=planned.mark, project=planned.apollo, name="Before")
    client = client_for(planned.vera)
    small = queries_for(client, compare_url(planned.apollo, baseline=baseline.pk))
    for i in range(30):
        TaskFactory(project=planned.apollo, name=f"More {i}")
    large = queries_for(client, compare_url(planned.apollo, baseline=baseline.pk))
    assert large == small


def test_baseline_bars_appear_on_the_chart(client_for, planned):
    baseline = baseline_save(actor=planned.mark, project=planned.apollo, name="Before")
    url = f"{reverse('scheduling:gantt', args=[planned.apollo.pk])}?baseline={baseline.pk}"
    response = client_for(planned.vera).get(url)
    assert response.context["baseline"] == baseline
    assert all(r.baseline_finish for r in response.context["rows"] if not r.is_summary)
