import pytest

from portfolium.core.errors import NotFound, PermissionDenied, ValidationError
from portfolium.projects import services
from portfolium.projects.access import project_get_for_user
from portfolium.projects.selectors import project_list, wbs_outline


def test_outsider_cannot_see_project(org):
    with pytest.raises(NotFound):
        project_get_for_user(org.olga, org.apollo.pk)
    assert list(project_list(user=org.olga)) == []


def test_rights_inherit_down_the_portfolio_tree(org):
    codes = {p.code for p in project_list(user=org.vera)}
    assert codes == {"APOLLO", "ZEUS"}
    assert {p.code for p in project_list(user=org.ada)} == {"APOLLO", "ZEUS", "HIDDEN"}


def test_viewer_cannot_edit(org):
    with pytest.raises(PermissionDenied):
        project_get_for_user(org.vera, org.apollo.pk, need=30)


def test_outline_codes_and_rollup(org):
    task = services.task_create(actor=org.mark, project=org.apollo, data={"name": "Review", "parent": org.phase.pk})
    services.task_update(actor=org.mark, task=org.task_a, data={"percent_complete": 50})
    rows = wbs_outline(project=org.apollo)
    assert [(r.wbs, r.task.name) for r in rows] == [
        ("1", "Design"), ("1.1", "Wireframes"), ("1.2", "Visual design"), ("1.3", "Review"), ("2", "Design signed off")
    ]
    services.task_indent(actor=org.mark, task=org.milestone)
    assert task.pk
    rows = wbs_outline(project=org.apollo)
    assert rows[-1].wbs == "1.4"
    org.apollo.refresh_from_db()
    assert org.apollo.task_count == 5


def test_blocked_needs_reason(org):
    with pytest.raises(ValidationError) as exc:
        services.task_update(actor=org.cora, task=org.task_a, data={"status": "blocked"})
    assert "blocked_reason" in exc.value.errors
