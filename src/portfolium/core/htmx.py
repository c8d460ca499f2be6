"""Helpers shared by the server-rendered pages: turn service errors into pages or htmx fragments, and pick
between a whole page and the fragment an htmx request asked for."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from portfolium.core.errors import NotFound, PermissionDenied, PortfoliumError

ERROR_TITLES = {
    400: "Something is wrong with that request",
    403: "You cannot do that here",
    404: "Not found",
    409: "That clashes with the current state",
    422: "Please check what you entered",
}


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, fragment: str | None = None, status: int = 200
) -> HttpResponse:
    """Render ``fragment`` for htmx requests and ``template`` otherwise; caches keep the two apart."""
    name = fragment if fragment and is_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def error_response(request: HttpRequest, exc: PortfoliumError) -> HttpResponse:
    """An htmx request gets the message as plain text (shown as a toast); a page request gets an error page.

    An object the user may not know about reads as "not found", never naming it.
    """
    status = exc.status_code
    message = "This page does not exist, or you have no access to it." if isinstance(exc, NotFound) else exc.message
    if getattr(request, "htmx", None):
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response["X-Portfolium-Message"] = "1"
        return response
    context = {"status": status, "title": ERROR_TITLES.get(status, "Something went wrong"), "message": message}
    return render(request, "errors/error.html", context, status=status)


def handle_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Catch the service error family around a view: NotFound -> 404, PermissionDenied -> 403, others 4xx.

    Views that can show a ValidationError next to its field catch it themselves first.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PortfoliumError as exc:
            return error_response(request, exc)

    return wrapper


__all__ = ["NotFound", "PermissionDenied", "error_response", "handle_errors", "is_partial", "render_page"]


def redirect_after_write(request: HttpRequest, url: str) -> HttpResponse:
    """After a write that leaves the page: htmx follows ``HX-Redirect``, a plain form gets a 302."""
    from django.http import HttpResponseRedirect
    from django_htmx.http import HttpResponseClientRedirect

    return HttpResponseClientRedirect(url) if is_partial(request) else HttpResponseRedirect(url)
