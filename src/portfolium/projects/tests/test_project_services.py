"""Creating, changing, moving and deleting projects."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.accounts.models import Role
from portfolium.audit.models import AuditEvent
from portfolium.core.errors import NotFound, PermissionDenied, ValidationError
from portfolium.projects import services
from portfolium.projects.models import Project, Tag, Task
from tests.factories import CustomFieldFactory, GoalFactory, ProgramFactory, grant


def _new(org, **data):
    return {"portfolio": org.digital.pk, "code": "NEW", "name": "New project", **data}


def _event(project, action):
    return AuditEvent.objects.get(object_type="project", object_id=project.pk, action=action)


# --- create -----------------------------------------------------------------------------------------------


def test_portfolio_admin_creates_a_project_and_it_is_audited(org):
    p = services.project_create(actor=org.paula, data=_new(org, manager=org.mark.pk, start=dt.date(2026, 1, 1)))
    assert (p.portfolio, p.manager, p.stage, p.health) == (org.digital, org.mark, "initiation", "green")
    event = _event(p, "create")
    assert (event.actor, event.portfolio_id, event.project_id) == (org.paula, org.digital.pk, p.pk)
    assert event.changes["code"] == "NEW" and event.changes["start"] == "2026-01-01"


def test_portfolio_manager_may_create_but_viewer_may_not(org):
    grant(org.olga, Role.MANAGER, portfolio=org.web)
    assert services.project_create(actor=org.olga, data=_new(org, portfolio=org.web.pk)).portfolio == org.web
    with pytest.raises(PermissionDenied):
        services.project_create(actor=org.vera, data=_new(org, code="NOPE"))
    assert not Project.objects.filter(code="NOPE").exists()


def test_program_manager_may_create_in_the_program_only(org):
    grant(org.olga, Role.MANAGER, program=org.program)
    p = services.project_create(actor=org.olga, data=_new(org, program=org.program.pk))
    assert p.program == org.program
    with pytest.raises(ValidationError) as exc:  # she cannot see the portfolio outside the program
        services.project_create(actor=org.olga, data=_new(org, code="LOOSE"))
    assert "portfolio" in exc.value.errors


def test_project_manager_cannot_create_projects(org):
    with pytest.raises(ValidationError):  # mark cannot even see the portfolio
        services.project_create(actor=org.mark, data=_new(org))


def test_outsider_learns_nothing_about_the_portfolio(org):
    with pytest.raises(ValidationError) as hidden:
        services.project_create(actor=org.olga, data=_new(org))
    with pytest.raises(ValidationError) as missing:
        services.project_create(actor=org.olga, data=_new(org, portfolio=987654))
    assert hidden.value.errors == missing.value.errors == {"portfolio": "no such portfolio"}


def test_portfolio_is_required(org):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data={"code": "N", "name": "N"})
    assert "portfolio" in exc.value.errors


def test_program_must_belong_to_the_same_portfolio(org):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data=_new(org, portfolio=org.web.pk, program=org.program.pk))
    assert exc.value.errors == {"program": "the program belongs to another portfolio"}


def test_program_the_actor_cannot_see_reads_as_missing(org):
    foreign = ProgramFactory(portfolio=org.other)
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.paula, data=_new(org, program=foreign.pk))
    assert exc.value.errors == {"program": "no such program"}


def test_tags_are_trimmed_lowercased_and_deduplicated(org):
    Tag.objects.create(name="web")
    p = services.project_create(actor=org.ada, data=_new(org, tags=[" Web ", "WEB", "Mobile", "", "  "]))
    assert sorted(p.tags.values_list("name", flat=True)) == ["mobile", "web"]
    assert Tag.objects.count() == 2
    assert _event(p, "create").changes["tags"] == ["mobile", "web"]


def test_overlong_tag_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data=_new(org, tags=["x" * 51]))
    assert "tags" in exc.value.errors
    assert not Project.objects.filter(code="NEW").exists()


def test_finish_before_start_is_refused_naming_the_field(org):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data=_new(org, start=dt.date(2026, 5, 1), finish=dt.date(2026, 4, 1)))
    assert "finish" in exc.value.errors
    with pytest.raises(ValidationError) as exc:
        services.project_update(actor=org.mark, project=org.apollo, data={"finish": dt.date(2025, 1, 1)})
    assert "finish" in exc.value.errors
    assert Project.objects.get(pk=org.apollo.pk).finish == dt.date(2026, 12, 18)


def test_same_day_start_and_finish_is_fine(org):
    day = dt.date(2026, 5, 1)
    assert services.project_create(actor=org.ada, data=_new(org, start=day, finish=day)).finish == day


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "APOLLO"}, "code"),
        ({"stage": "dreaming"}, "stage"),
        ({"health": "purple"}, "health"),
        ({"priority": 9}, "priority"),
        ({"name": ""}, "name"),
        ({"manager": 987654}, "manager"),
        ({"budget": 1}, "budget"),
    ],
)
def test_bad_input_names_the_field(org, data, field):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data=_new(org, **data))
    assert field in exc.value.errors


# --- update -----------------------------------------------------------------------------------------------


def test_update_records_before_and_after_of_what_changed(org):
    services.project_update(actor=org.mark, project=org.apollo, data={
        "name": "Apollo 11", "health": "amber", "health_reason": "late vendor", "code": "APOLLO"})
    event = _event(org.apollo, "update")
    assert event.actor == org.mark
    assert event.changes == {"name": ["Apollo", "Apollo 11"], "health": ["green", "amber"],
                             "health_reason": ["", "late vendor"]}
    fresh = Project.objects.get(pk=org.apollo.pk)
    assert (fresh.name, fresh.health) == ("Apollo 11", "amber")


def test_update_without_changes_records_nothing(org):
    services.project_update(actor=org.mark, project=org.apollo, data={"name": "Apollo", "tags": []})
    assert not AuditEvent.objects.filter(object_type="project", action="update").exists()


def test_tag_and_custom_field_changes_are_audited(org):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    services.project_update(actor=org.mark, project=org.apollo, data={"tags": ["Space"], "custom_fields": {"budget": 7}})
    services.project_update(actor=org.mark, project=org.apollo, data={"custom_fields": {"budget": None}})
    first, second = AuditEvent.objects.filter(object_type="project", action="update").order_by("id")
    assert first.changes == {"tags": [[], ["space"]], "custom_fields": [{}, {"budget": 7}]}
    assert second.changes == {"custom_fields": [{"budget": 7}, {}]}
    assert Project.objects.get(pk=org.apollo.pk).custom_fields == {}


def test_moving_to_another_portfolio_leaves_the_program(org):
    services.project_update(actor=org.paula, project=org.apollo, data={"portfolio": org.web.pk})
    fresh = Project.objects.get(pk=org.apollo.pk)
    assert (fresh.portfolio_id, fresh.program_id) == (org.web.pk, None)
    assert _event(org.apollo, "update").changes == {"portfolio": [org.digital.pk, org.web.pk],
                                                    "program": [org.program.pk, None]}


def test_moving_needs_manager_on_the_target_portfolio(org):
    with pytest.raises(NotFound):
        services.project_update(actor=org.mark, project=org.apollo, data={"portfolio": org.web.pk})
    with pytest.raises(NotFound):
        services.project_update(actor=org.paula, project=org.apollo, data={"portfolio": org.other.pk})
    assert Project.objects.get(pk=org.apollo.pk).portfolio_id == org.digital.pk


def test_moving_portfolio_while_keeping_a_program_of_the_old_one_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.project_update(actor=org.paula, project=org.apollo,
                                data={"portfolio": org.web.pk, "program": org.program.pk})
    assert "program" in exc.value.errors
    assert Project.objects.get(pk=org.apollo.pk).portfolio_id == org.digital.pk


def test_moving_with_a_program_of_the_new_portfolio(org):
    web_program = ProgramFactory(portfolio=org.web)
    services.project_update(actor=org.paula, project=org.apollo,
                            data={"portfolio": org.web.pk, "program": web_program.pk})
    assert Project.objects.get(pk=org.apollo.pk).program_id == web_program.pk


def test_changing_program_within_the_portfolio_is_checked(org):
    with pytest.raises(ValidationError) as exc:
        services.project_update(actor=org.ada, project=org.zeus, data={"program": org.program.pk})
    assert "program" in exc.value.errors


def test_update_with_bad_custom_value_changes_nothing(org):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    with pytest.raises(ValidationError) as exc:
        services.project_update(actor=org.mark, project=org.apollo,
                                data={"name": "Renamed", "custom_fields": {"budget": "lots"}})
    assert "custom_fields.budget" in exc.value.errors
    assert Project.objects.get(pk=org.apollo.pk).name == "Apollo"


# --- delete -----------------------------------------------------------------------------------------------


def test_delete_removes_the_project_with_its_wbs(org):
    pk = org.apollo.pk
    services.project_delete(actor=org.paula, project=org.apollo)
    assert not Project.objects.filter(pk=pk).exists()
    assert not Task.objects.filter(project_id=pk).exists()
    event = AuditEvent.objects.get(object_type="project", object_id=pk, action="delete")
    assert event.changes["code"] == "APOLLO" and event.project_id == pk


# --- goals ------------------------------------------------------------------------------------------------


def test_project_links_to_a_goal_of_its_portfolio_or_an_ancestor(org):
    goal = GoalFactory(portfolio=org.digital)
    link = services.project_goal_link(actor=org.ada, project=org.zeus, goal_id=goal.pk, contribution=40)
    again = services.project_goal_link(actor=org.ada, project=org.zeus, goal_id=goal.pk, contribution=60)
    assert link.pk == again.pk and again.contribution == 60
    services.project_goal_unlink(actor=org.ada, project=org.zeus, goal_id=goal.pk)
    with pytest.raises(ValidationError):
        services.project_goal_unlink(actor=org.ada, project=org.zeus, goal_id=goal.pk)


@pytest.mark.parametrize("contribution", [-1, 101])
def test_goal_contribution_is_a_percentage(org, contribution):
    goal = GoalFactory(portfolio=org.digital)
    with pytest.raises(ValidationError) as exc:
        services.project_goal_link(actor=org.ada, project=org.apollo, goal_id=goal.pk, contribution=contribution)
    assert "contribution" in exc.value.errors


def test_goal_of_an_unrelated_portfolio_cannot_be_linked(org):
    for goal in (GoalFactory(portfolio=org.other), GoalFactory(portfolio=org.web)):  # sibling branch, child
        with pytest.raises(ValidationError) as exc:
            services.project_goal_link(actor=org.ada, project=org.apollo, goal_id=goal.pk)
        assert "goal" in exc.value.errors




def test_moving_a_project_applies_the_new_portfolios_custom_fields(org):
    from portfolium.core.errors import ValidationError as PortfoliumValidationError
    from tests.factories import CustomFieldFactory

    CustomFieldFactory(portfolio=org.digital, key="npv", field_type="number")
    CustomFieldFactory(portfolio=org.other, key="risk_class", field_type="choice", choices=["A", "B"],
                       required=True)
    services.project_update(actor=org.ada, project=org.apollo, data={"custom_fields": {"npv": 5}})
    with pytest.raises(PortfoliumValidationError) as exc:
        services.project_update(actor=org.ada, project=org.apollo, data={"portfolio": org.other.pk})
    assert "custom_fields.risk_class" in exc.value.errors
    org.apollo.refresh_from_db()
    assert org.apollo.portfolio_id == org.digital.pk  # nothing half-written

    services.project_update(actor=org.ada, project=org.apollo,
                            data={"portfolio": org.other.pk, "custom_fields": {"risk_class": "B"}})
    org.apollo.refresh_from_db()
    assert org.apollo.custom_fields == {"risk_class": "B"}  # npv is not a field of the new portfolio
