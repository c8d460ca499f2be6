"""Typed custom fields: values are validated and stored as JSON that lists can filter on, on every database."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.core.errors import ValidationError
from portfolium.portfolios.customfields import custom_values_clean
from portfolium.portfolios.selectors import custom_field_definitions
from portfolium.projects import services
from portfolium.projects.selectors import ProjectFilters, project_list, task_list
from tests.factories import CustomFieldFactory, PortfolioFactory, ProjectFactory


def _field(key, field_type, **kw):
    from portfolium.portfolios.models import CustomFieldDefinition

    return CustomFieldDefinition(key=key, label=key, field_type=field_type, target="project", **kw)


def _errors(definitions, values, **kw):
    with pytest.raises(ValidationError) as exc:
        custom_values_clean(definitions, values, **kw)
    return exc.value.errors


# --- validation of values ---------------------------------------------------------------------------------


def test_text_is_kept_as_text_and_limited_in_length():
    d = [_field("note", "text")]
    assert custom_values_clean(d, {"note": 42}) == {"note": "42"}
    assert custom_values_clean(d, {"note": "x" * 2000}) == {"note": "x" * 2000}
    assert "custom_fields.note" in _errors(d, {"note": "x" * 2001})


@pytest.mark.parametrize(("raw", "stored"), [(3, 3), ("3", 3), ("3.0", 3), ("2.5", 2.5), (-1, -1), ("1e3", 1000)])
def test_numbers_are_stored_as_json_numbers(raw, stored):
    value = custom_values_clean([_field("budget", "number")], {"budget": raw})["budget"]
    assert value == stored and type(value) is type(stored)


@pytest.mark.parametrize("raw", ["lots", True, "NaN", "Infinity", [1]])
def test_non_numbers_are_refused(raw):
    assert "custom_fields.budget" in _errors([_field("budget", "number")], {"budget": raw})


def test_dates_are_stored_as_iso_strings():
    d = [_field("due", "date")]
    assert custom_values_clean(d, {"due": dt.date(2026, 2, 3)}) == {"due": "2026-02-03"}
    assert custom_values_clean(d, {"due": "2026-02-03"}) == {"due": "2026-02-03"}
    assert "YYYY-MM-DD" in _errors(d, {"due": "03/02/2026"})["custom_fields.due"]


def test_choice_must_be_one_of_the_choices():
    d = [_field("risk", "choice", choices=["low", "high"])]
    assert custom_values_clean(d, {"risk": "high"}) == {"risk": "high"}
    assert "low, high" in _errors(d, {"risk": "medium"})["custom_fields.risk"]


def test_user_must_be_an_active_user(org):
    d = [_field("champion", "user")]
    assert custom_values_clean(d, {"champion": str(org.cora.pk)}) == {"champion": org.cora.pk}
    assert "custom_fields.champion" in _errors(d, {"champion": 987654})
    assert "custom_fields.champion" in _errors(d, {"champion": "cora"})
    org.cora.is_active = False
    org.cora.save()
    assert "custom_fields.champion" in _errors(d, {"champion": org.cora.pk})


def test_required_field_must_be_present_or_already_set():
    d = [_field("budget", "number", required=True), _field("note", "text")]
    assert _errors(d, {"note": "x"}) == {"custom_fields.budget": "this field is required"}
    assert custom_values_clean(d, {"note": "x"}, existing={"budget": 5}) == {"budget": 5, "note": "x"}
    assert "custom_fields.budget" in _errors(d, {"budget": None}, existing={"budget": 5})


def test_unknown_key_error_names_the_key():
    assert _errors([_field("budget", "number")], {"colour": "red"}) == {
        "custom_fields.colour": "no such custom field in this portfolio"
    }


def test_none_or_empty_removes_a_value_and_others_are_kept():
    d = [_field("budget", "number"), _field("note", "text")]
    assert custom_values_clean(d, {"budget": None}, existing={"budget": 5, "note": "n"}) == {"note": "n"}
    assert custom_values_clean(d, {"note": ""}, existing={"budget": 5, "note": "n"}) == {"budget": 5}


def test_every_bad_value_is_reported_at_once():
    d = [_field("budget", "number"), _field("due", "date")]
    assert set(_errors(d, {"budget": "x", "due": "y", "nope": 1})) == {
        "custom_fields.budget", "custom_fields.due", "custom_fields.nope"
    }


# --- inheritance of definitions ---------------------------------------------------------------------------


def test_definitions_are_inherited_from_ancestor_portfolios(org):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    CustomFieldFactory(portfolio=org.web, key="stack", field_type="text")
    CustomFieldFactory(portfolio=org.other, key="secret", field_type="text")
    CustomFieldFactory(portfolio=org.digital, key="effort", target="task", field_type="number")
    assert {d.key for d in custom_field_definitions(portfolio_id=org.web.pk, target="project")} == {"budget", "stack"}
    assert {d.key for d in custom_field_definitions(portfolio_id=org.digital.pk, target="project")} == {"budget"}
    assert {d.key for d in custom_field_definitions(portfolio_id=org.web.pk, target="task")} == {"effort"}


def test_nearest_definition_wins_when_a_child_redefines_a_key(org):
    CustomFieldFactory(portfolio=org.digital, key="tier", field_type="number")
    CustomFieldFactory(portfolio=org.web, key="tier", field_type="choice", choices=["gold"])
    definitions = custom_field_definitions(portfolio_id=org.web.pk, target="project")
    assert [(d.key, d.field_type) for d in definitions] == [("tier", "choice")]


def test_project_in_a_child_portfolio_validates_inherited_fields(org):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number", required=True)
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data={"portfolio": org.web.pk, "code": "N", "name": "N"})
    assert "custom_fields.budget" in exc.value.errors
    p = services.project_create(actor=org.ada, data={"portfolio": org.web.pk, "code": "N", "name": "N",
                                                     "custom_fields": {"budget": "12"}})
    assert p.custom_fields == {"budget": 12}


def test_fields_of_another_portfolio_do_not_apply(org):
    CustomFieldFactory(portfolio=org.other, key="secret", field_type="text")
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=org.ada, data={"portfolio": org.digital.pk, "code": "N", "name": "N",
                                                     "custom_fields": {"secret": "x"}})
    assert "custom_fields.secret" in exc.value.errors


# --- filtering lists by custom values (JSON lookups differ between SQLite and PostgreSQL) -----------------


@pytest.fixture
def valued(org):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    CustomFieldFactory(portfolio=org.digital, key="kickoff", field_type="date")
    CustomFieldFactory(portfolio=org.digital, key="risk", field_type="choice", choices=["low", "high"])
    CustomFieldFactory(portfolio=org.digital, key="note", field_type="text")
    CustomFieldFactory(portfolio=org.digital, key="champion", field_type="user")
    rows = [
        ("CF1", {"budget": 5, "kickoff": "2026-01-15", "risk": "low", "note": "alpha", "champion": org.cora.pk}),
        ("CF2", {"budget": 50, "kickoff": "2026-02-01", "risk": "high", "note": "beta"}),
        ("CF3", {"budget": 500.5, "kickoff": "2026-12-31", "risk": "high", "champion": org.mark.pk}),
        ("CF4", {"budget": 9}),  # 9 < 50 numerically but "9" > "50" as text
        ("CF5", {}),
    ]
    for code, values in rows:
        ProjectFactory(code=code, portfolio=org.web, custom_fields=values)
    return org


def _filtered(org, user=None, **custom):
    filters = ProjectFilters(custom=custom, portfolio=org.web.pk)
    return [p.code for p in project_list(user=user or org.ada, filters=filters)]


@pytest.mark.parametrize(
    ("custom", "codes"),
    [
        ({"budget": "50"}, ["CF2"]),
        ({"budget": "50.0"}, ["CF2"]),
        ({"budget": "500.5"}, ["CF3"]),
        ({"budget": ">=50"}, ["CF2", "CF3"]),
        ({"budget": "<=50"}, ["CF1", "CF2", "CF4"]),
        ({"budget": ">=9"}, ["CF2", "CF3", "CF4"]),
        ({"budget": "<=8.5"}, ["CF1"]),
        ({"kickoff": "2026-02-01"}, ["CF2"]),
        ({"kickoff": ">=2026-02-01"}, ["CF2", "CF3"]),
        ({"kickoff": "<=2026-02-01"}, ["CF1", "CF2"]),
        ({"risk": "high"}, ["CF2", "CF3"]),
        ({"note": "alpha"}, ["CF1"]),
        ({"risk": "high", "budget": "<=100"}, ["CF2"]),
    ],
)
def test_filter_projects_by_custom_values(valued, custom, codes):
    assert _filtered(valued, **custom) == codes


def test_filter_projects_by_a_user_field(valued):
    assert _filtered(valued, champion=str(valued.mark.pk)) == ["CF3"]


def test_filter_respects_visibility(valued):
    assert _filtered(valued, user=valued.olga, budget=">=0") == []
    assert _filtered(valued, user=valued.vera, budget=">=0") == ["CF1", "CF2", "CF3", "CF4"]


@pytest.mark.parametrize(
    ("custom", "field"),
    [
        ({"nope": "1"}, "cf_nope"),
        ({"budget": "lots"}, "cf_budget"),
        ({"risk": ">=low"}, "cf_risk"),
        ({"risk": "medium"}, "cf_risk"),
        ({"kickoff": "<=tomorrow"}, "cf_kickoff"),
    ],
)
def test_bad_custom_filters_name_the_filter(valued, custom, field):
    with pytest.raises(ValidationError) as exc:
        _filtered(valued, **custom)
    assert field in exc.value.errors


def test_filter_tasks_by_custom_values(org):
    CustomFieldFactory(portfolio=org.digital, key="effort", target="task", field_type="number")
    services.task_update(actor=org.mark, task=org.task_a, data={"custom_fields": {"effort": 3}})
    services.task_update(actor=org.mark, task=org.task_b, data={"custom_fields": {"effort": 13}})
    names = [t.name for t in task_list(user=org.vera, custom={"effort": ">=5"})]
    assert names == ["Visual design"]
    with pytest.raises(ValidationError) as exc:
        task_list(user=org.vera, custom={"budget": "1"})
    assert "cf_budget" in exc.value.errors


def test_project_filter_uses_the_definition_that_applies_where_keys_are_reused(org):
    """The same key may be a number in one portfolio and text in another: filtering must not crash."""
    CustomFieldFactory(portfolio=org.digital, key="size", field_type="number")
    CustomFieldFactory(portfolio=PortfolioFactory(code="ELSE"), key="size", field_type="choice", choices=["big"])
    ProjectFactory(code="S1", portfolio=org.web, custom_fields={"size": 10})
    filters = ProjectFilters(custom={"size": ">=5"}, portfolio=org.digital.pk)
    assert [p.code for p in project_list(user=org.ada, filters=filters)] == ["S1"]


def test_filter_reads_each_project_with_the_nearest_definition(org):
    CustomFieldFactory(portfolio=org.digital, key="tier", field_type="number")
    CustomFieldFactory(portfolio=org.web, key="tier", field_type="choice", choices=["gold"])
    ProjectFactory(code="T-NUM", portfolio=org.digital, custom_fields={"tier": 3})
    ProjectFactory(code="T-CHO", portfolio=org.web, custom_fields={"tier": "gold"})

    def codes(raw):
        return [p.code for p in project_list(user=org.ada, filters=ProjectFilters(custom={"tier": raw}))]

    assert codes("gold") == ["T-CHO"]
    assert codes(">=1") == ["T-NUM"]
    with pytest.raises(ValidationError):
        codes("silver")


@pytest.mark.parametrize("key", ["contains", "gte", "isnull"])
def test_a_custom_field_key_cannot_be_a_query_lookup_name(org, key):
    from portfolium.portfolios.services import custom_field_create

    with pytest.raises(ValidationError) as exc:
        custom_field_create(actor=org.ada, portfolio=org.digital,
                            data={"target": "project", "key": key, "label": "X", "field_type": "text"})
    assert "key" in exc.value.errors


def test_filter_bar_shows_one_field_per_key_with_merged_choices(org):
    from portfolium.portfolios.selectors import custom_field_filter_definitions

    CustomFieldFactory(portfolio=org.digital, key="category", field_type="choice", choices=["Run", "Grow"])
    CustomFieldFactory(portfolio=org.web, key="category", field_type="choice", choices=["Grow", "Transform"])
    CustomFieldFactory(portfolio=org.other, key="category", field_type="choice", choices=["Secret"])
    definitions = custom_field_filter_definitions(user=org.vera, target="project")
    assert [(d.key, d.choices) for d in definitions] == [("category", ["Run", "Grow", "Transform"])]
