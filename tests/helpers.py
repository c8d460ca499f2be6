"""Small helpers shared by the API and page tests."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def send(client: Any, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    """Call the API with a JSON body (``method`` is get, post, put, patch or delete)."""
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json")


def queries_for(client: Any, url: str) -> int:
    """How many database queries one successful GET of ``url`` makes."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx)
