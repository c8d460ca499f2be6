"""Personal API tokens: the secret is shown once, never stored, and a revoked token stops working at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolium.accounts.models import ApiToken


def create_token(client, name: str = "nightly export") -> dict:
    response = client.post("/api/tokens", {"name": name}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_secret_is_shown_on_creation_and_never_again(org, client_for):
    client = client_for(org.mark)
    created = create_token(client)
    assert created["token"].startswith("pfm_")
    assert created["prefix"] == created["token"][:12]

    listed = client.get("/api/tokens").json()
    assert listed["count"] == 1
    (token,) = listed["items"]
    assert set(token) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    assert created["token"] not in client.get("/api/tokens").content.decode()
    assert ApiToken.objects.get().digest != created["token"]


def test_a_token_authenticates_as_its_owner_with_no_session(org, client_for, client):
    secret = create_token(client_for(org.mark))["token"]
    client.logout()
    response = client.get("/api/users/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "mark"
    assert [p["code"] for p in client.get("/api/projects", **bearer(secret)).json()["items"]] == ["APOLLO"]
    listed = client.get("/api/tokens", **bearer(secret)).json()["items"]
    assert listed[0]["last_used_at"] is not None


def test_a_token_carries_its_owners_rights_and_no_more(org, client_for, client):
    secret = create_token(client_for(org.vera))["token"]
    client.logout()
    response = client.patch(f"/api/projects/{org.apollo.pk}", {"name": "X"}, content_type="application/json",
                            **bearer(secret))
    assert response.status_code == 403


def test_a_revoked_token_gets_401(org, client_for, client):
    created = create_token(client_for(org.mark))
    assert client.delete(f"/api/tokens/{created['id']}").status_code == 204
    assert client.get("/api/tokens").json()["items"][0]["revoked_at"] is not None
    client.logout()
    response = client.get("/api/users/me", **bearer(created["token"]))
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("header", ["Bearer pfm_not-a-real-token", "Bearer ", "Token abc", ""])
def test_a_wrong_or_missing_token_gets_401(org, client, header):
    response = client.get("/api/users/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_nobody_else_can_see_or_revoke_my_token(org, client_for):
    created = create_token(client_for(org.mark))
    client = client_for(org.ada)
    assert client.get("/api/tokens").json()["count"] == 0
    assert client.delete(f"/api/tokens/{created['id']}").status_code == 404
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is None


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}])
def test_a_token_needs_a_name(org, client_for, body):
    response = client_for(org.mark).post("/api/tokens", body, content_type="application/json")
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


def test_token_list_query_count_does_not_grow_with_the_number_of_tokens(org, client_for):
    client = client_for(org.mark)
    for i in range(3):
        create_token(client, f"script {i}")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/tokens")
    for i in range(27):
        create_token(client, f"more {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/tokens").json()["count"] == 30
    assert len(few) == len(many)
