"""The REST API root: authentication, error shapes and every app's router. OpenAPI lives at /api/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from portfolium import __version__
from portfolium.accounts.services import api_token_authenticate
from portfolium.core.errors import PortfoliumError, ValidationError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pfm_…`` with a personal API token (create one on your profile page)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Portfolium API",
    version=__version__,
    description=(
        "Portfolios, programs, projects, WBS tasks, schedules, calendars, baselines, goals, custom fields, people "
        "and the audit trail.\n\n"
        "Authenticate with the browser session (send the CSRF token) or with a personal API token: "
        "`Authorization: Bearer pfm_…`. Lists are paginated with `limit` and `offset`. Dates are ISO 8601; "
        "decimal figures (progress, hours, weights) are strings, so that no precision is lost. Errors answer "
        '`{"detail": "...", "errors": {"<field>": "<what was wrong>"}}`. An object you hold no role on '
        "answers 404, exactly as one that does not exist."
    ),
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


def _field_name(loc: list[Any]) -> str:
    if loc and loc[0] == "query":
        # Query parameters are flat, so the last name is the parameter. (ninja reports an item of a list
        # parameter as ("query", "<schema argument>", "stage", 0), which would otherwise leak the argument.)
        names = [str(p) for p in loc[1:] if isinstance(p, str)]
        return names[-1] if names else "__all__"
    parts = [str(p) for p in loc[1:]]  # loc[0] is where it came from: body, path, form
    if parts[:1] == ["payload"]:  # every body argument is called ``payload``
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, str] = {}
    for err in exc.errors:
        errors.setdefault(_field_name(list(err.get("loc", []))), str(err.get("msg", "invalid value")))
    detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(PortfoliumError)
def _service_error(request: HttpRequest, exc: PortfoliumError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if isinstance(exc, ValidationError):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "authentication required: sign in, or send 'Authorization: Bearer <token>'"}, status=401
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _register_routers() -> None:
    """Each app contributes ``router`` from its ``api`` module. Every router is mounted at the root and spells
    out its resources' full paths (``/projects/{id}/tasks``, ``/tasks/{id}``, ``/audit``), because an app's
    endpoints hang off other apps' resources: a project's goal links, a project's history."""
    import importlib

    for app in ("accounts", "portfolios", "projects", "scheduling", "audit"):
        try:
            module = importlib.import_module(f"portfolium.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"portfolium.{app}.api":
                raise
            continue
        api.add_router("/", module.router)


_register_routers()
