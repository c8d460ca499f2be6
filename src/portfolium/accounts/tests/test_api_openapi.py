"""The OpenAPI document describes every endpoint, so that clients can be generated from it."""

from __future__ import annotations

EXPECTED = {
    "/api/users": {"get"},
    "/api/users/me": {"get"},
    "/api/teams": {"get", "post"},
    "/api/teams/{team_id}": {"get"},
    "/api/teams/{team_id}/members": {"put"},
    "/api/memberships": {"get", "post"},
    "/api/memberships/{membership_id}": {"delete"},
    "/api/tokens": {"get", "post"},
    "/api/tokens/{token_id}": {"delete"},
    "/api/portfolios": {"get", "post"},
    "/api/portfolios/tree": {"get"},
    "/api/portfolios/{portfolio_id}": {"get", "patch", "delete"},
    "/api/portfolios/{portfolio_id}/rollup": {"get"},
    "/api/portfolios/{portfolio_id}/goals": {"post"},
    "/api/portfolios/{portfolio_id}/custom-fields": {"post"},
    "/api/programs": {"get", "post"},
    "/api/programs/{program_id}": {"get", "patch", "delete"},
    "/api/goals": {"get"},
    "/api/goals/{goal_id}": {"get", "patch", "delete"},
    "/api/custom-fields": {"get"},
    "/api/custom-fields/{field_id}": {"get", "patch", "delete"},
    "/api/projects": {"get", "post"},
    "/api/projects/{project_id}": {"get", "patch", "delete"},
    "/api/projects/{project_id}/tasks": {"get", "post"},
    "/api/projects/{project_id}/outline": {"get"},
    "/api/projects/{project_id}/dependencies": {"get", "post"},
    "/api/projects/{project_id}/goals": {"get", "post"},
    "/api/projects/{project_id}/goals/{goal_id}": {"delete"},
    "/api/projects/{project_id}/history": {"get"},
    "/api/tasks/{task_id}": {"get", "patch", "delete"},
    "/api/tasks/{task_id}/move": {"post"},
    "/api/tasks/{task_id}/indent": {"post"},
    "/api/tasks/{task_id}/outdent": {"post"},
    "/api/tasks/{task_id}/shift": {"post"},
    "/api/tasks/{task_id}/checklist": {"get", "post"},
    "/api/checklist-items/{item_id}": {"patch", "delete"},
    "/api/tasks/{task_id}/comments": {"get", "post"},
    "/api/comments/{comment_id}": {"patch", "delete"},
    "/api/dependencies/{dependency_id}": {"patch", "delete"},
    "/api/me/work": {"get"},
    "/api/audit": {"get"},
}


def test_openapi_lists_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    found = {path: set(ops) & {"get", "post", "put", "patch", "delete"} for path, ops in paths.items()}
    missing = {p: m - found.get(p, set()) for p, m in EXPECTED.items() if m - found.get(p, set())}
    assert not missing, f"not in the OpenAPI document: {missing}"


def test_every_operation_declares_its_authentication_and_a_tag(client):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security"), f"{method.upper()} {path} has no security"
            assert operation.get("tags"), f"{method.upper()} {path} has no tag"


def test_list_endpoints_document_limit_and_offset(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/projects", "/api/projects/{project_id}/tasks", "/api/users", "/api/audit"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"limit", "offset"} <= names, path


def test_the_api_docs_page_loads_swagger_from_the_package_not_a_cdn(client_for, org):
    response = client_for(org.vera).get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html
