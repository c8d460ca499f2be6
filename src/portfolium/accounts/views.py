"""Sign-in, sign-out, the profile page with personal API tokens, and the people and team pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portfolium.accounts import forms, selectors, services
from portfolium.accounts.access import org_admin_require
from portfolium.accounts.models import Team, User
from portfolium.accounts.roles import role_map_for
from portfolium.accounts.selectors import api_token_list
from portfolium.accounts.services import api_token_create, api_token_revoke
from portfolium.core.errors import ValidationError
from portfolium.core.htmx import handle_errors, redirect_after_write, render_page

PEOPLE_PAGE_SIZE = 50
PEOPLE_COLUMNS = (("name", "Name"), ("username", "Username"), ("job_title", "Job title"), ("email", "Email"))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link cannot sign someone out."""


def _tokens_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"tokens": list(api_token_list(user=request.user)), "errors": {}, "nav": "profile", **extra}


def _roles(request: HttpRequest) -> list[selectors.RoleRow]:
    """The user's own roles, direct and through teams (only scopes they can see, which is all of them)."""
    return selectors.memberships_visible(viewer=request.user, user=request.user)  # type: ignore[arg-type]


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    context = _tokens_context(request, roles=_roles(request))
    return render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """The secret is in this one response and nowhere else."""
    name = request.POST.get("name", "")
    try:
        token, secret = api_token_create(user=request.user, name=name)
    except ValidationError as exc:
        context = _tokens_context(request, errors=exc.errors, name=name, roles=_roles(request))
        return render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html", status=422)
    context = _tokens_context(request, new_token=token, secret=secret, roles=_roles(request))
    response = render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@handle_errors
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    api_token_revoke(user=request.user, token_id=token_id)
    context = _tokens_context(request, roles=_roles(request))
    return render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html")


# --- people -----------------------------------------------------------------------------------------------


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page showing a password once must not be kept by a cache or the back button."""
    response["Cache-Control"] = "no-store"
    return response


def _sort_columns(request: HttpRequest, sort: str) -> list[dict[str, Any]]:
    """Sortable headers: a second click reverses; the search is kept and the page resets."""
    columns = []
    for key, label in PEOPLE_COLUMNS:
        query: QueryDict = request.GET.copy()
        query.pop("page", None)
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        query["sort"] = f"-{key}" if active and not descending else key
        columns.append({
            "key": key, "label": label, "url": f"{request.path}?{query.urlencode()}", "active": active,
            "aria": ("descending" if descending else "ascending") if active else "none",
            "arrow": ("▼" if descending else "▲") if active else "",
        })
    return columns


@login_required
@require_GET
@handle_errors
def people(request: HttpRequest) -> HttpResponse:
    """The people directory: search as you type, sort by any column, 50 to a page."""
    search = (request.GET.get("q") or "").strip()
    sort = (request.GET.get("sort") or "name").strip()
    errors: dict[str, str] = {}
    try:
        qs = selectors.people_directory(viewer=request.user, search=search or None, sort=sort)
    except ValidationError as exc:
        errors, sort = exc.errors, "name"
        qs = selectors.people_directory(viewer=request.user, search=search or None, sort=sort)
    page = Paginator(qs, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "people", "tab": "people", "page_obj": page, "people": list(page.object_list), "search": search,
        "sort": sort, "columns": _sort_columns(request, sort), "errors": errors,
        "is_admin": role_map_for(request.user).is_admin, "results_url": request.path,
    }
    return render_page(request, "accounts/people.html", context, fragment="accounts/_people_results.html",
                       status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def person_add(request: HttpRequest) -> HttpResponse:
    """Organisation administrators add a person; a generated password is shown in this one answer."""
    org_admin_require(request.user)
    context: dict[str, Any] = {"nav": "people", "errors": {}, "form": {"password_mode": "generate"}}
    if request.method == "GET":
        return render_page(request, "accounts/person_add.html", context, fragment="accounts/_person_add.html")
    try:
        data = forms.person_create_data(request.POST)
        person, generated = services.user_add(actor=request.user, **data)
    except ValidationError as exc:
        context.update(errors=exc.errors, form=request.POST)
        return render_page(request, "accounts/person_add.html", context, fragment="accounts/_person_add.html",
                           status=422)
    context.update(created=person, secret=generated)
    return _no_store(render_page(request, "accounts/person_add.html", context,
                                 fragment="accounts/_person_add.html"))


def _person_context(request: HttpRequest, person: User, **extra: Any) -> dict[str, Any]:
    is_admin = role_map_for(request.user).is_admin
    is_self = person.pk == request.user.pk
    roles = selectors.memberships_visible(viewer=request.user, user=person) if is_admin or is_self else None
    return {
        "nav": "people", "person": person, "teams": list(person.teams.all()), "is_admin": is_admin,
        "is_self": is_self, "roles": roles, "errors": {}, "password_errors": {},
        "form": {"display_name": person.display_name, "email": person.email, "job_title": person.job_title,
                 "is_active": person.is_active, "is_superuser": person.is_superuser},
        **extra,
    }


@login_required
@require_GET
@handle_errors
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = selectors.person_get(viewer=request.user, user_id=user_id)
    return render_page(request, "accounts/person.html", _person_context(request, person),
                       fragment="accounts/_person.html")


@login_required
@require_POST
@handle_errors
def person_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    org_admin_require(request.user)
    person = selectors.person_get(viewer=request.user, user_id=user_id)
    try:
        services.user_update(actor=request.user, user=person, data=forms.person_update_data(request.POST))
    except ValidationError as exc:
        person = selectors.person_get(viewer=request.user, user_id=user_id)  # the unsaved edits stay in the form
        context = _person_context(request, person, errors=exc.errors, form=forms.person_update_data(request.POST))
        return render_page(request, "accounts/person.html", context, fragment="accounts/_person.html", status=422)
    person = selectors.person_get(viewer=request.user, user_id=user_id)
    return render_page(request, "accounts/person.html", _person_context(request, person, saved=True),
                       fragment="accounts/_person.html")


@login_required
@require_POST
@handle_errors
def person_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """Reset a person's password; a generated one is in this one answer and nowhere else."""
    org_admin_require(request.user)
    person = selectors.person_get(viewer=request.user, user_id=user_id)
    try:
        secret = services.user_set_password(actor=request.user, user=person, password=forms.password_data(request.POST))
    except ValidationError as exc:
        context = _person_context(request, person, password_errors=exc.errors, password_mode="set")
        return render_page(request, "accounts/person.html", context, fragment="accounts/_person.html", status=422)
    context = _person_context(request, person, secret=secret, password_saved=True)
    return _no_store(render_page(request, "accounts/person.html", context, fragment="accounts/_person.html"))


# --- teams ------------------------------------------------------------------------------------------------


def _teams_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"nav": "people", "tab": "teams", "teams": list(selectors.team_directory()),
            "is_admin": role_map_for(request.user).is_admin, "errors": {}, "form": {}, **extra}


@login_required
@require_GET
@handle_errors
def teams(request: HttpRequest) -> HttpResponse:
    return render_page(request, "accounts/teams.html", _teams_context(request), fragment="accounts/_teams.html")


@login_required
@require_POST
@handle_errors
def team_create(request: HttpRequest) -> HttpResponse:
    org_admin_require(request.user)
    data = forms.team_data(request.POST)
    try:
        team = services.team_create(actor=request.user, name=data["name"], description=data["description"])
    except ValidationError as exc:
        context = _teams_context(request, errors=exc.errors, form=data, show_create=True)
        return render_page(request, "accounts/teams.html", context, fragment="accounts/_teams.html", status=422)
    return redirect_after_write(request, reverse("accounts:team", args=[team.pk]))


def _team_context(request: HttpRequest, team: Team, **extra: Any) -> dict[str, Any]:
    return {
        "nav": "people", "team": team, "members": list(selectors.team_members(team=team)),
        "roles": selectors.memberships_visible(viewer=request.user, team=team),
        "is_admin": role_map_for(request.user).is_admin, "errors": {}, "member_errors": {},
        "form": {"name": team.name, "description": team.description}, **extra,
    }


def _team_page(request: HttpRequest, team_id: int, *, status: int = 200, **extra: Any) -> HttpResponse:
    team = selectors.team_get(team_id=team_id)
    return render_page(request, "accounts/team.html", _team_context(request, team, **extra),
                       fragment="accounts/_team.html", status=status)


@login_required
@require_GET
@handle_errors
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    return _team_page(request, team_id)


@login_required
@require_POST
@handle_errors
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    org_admin_require(request.user)
    data = forms.team_data(request.POST)
    try:
        services.team_update(actor=request.user, team=selectors.team_get(team_id=team_id), data=data)
    except ValidationError as exc:
        return _team_page(request, team_id, status=422, errors=exc.errors, form=data, editing=True)
    return _team_page(request, team_id, saved=True)


def _change_members(request: HttpRequest, team_id: int, *, add: int | None = None,
                    remove: int | None = None) -> HttpResponse:
    org_admin_require(request.user)
    team = selectors.team_get(team_id=team_id)
    current = {u.pk for u in selectors.team_members(team=team)}
    wanted = (current | {add}) - {remove} if add is not None else current - {remove}
    try:
        services.team_set_members(actor=request.user, team=team, members=sorted(m for m in wanted if m is not None))
    except ValidationError as exc:
        return _team_page(request, team_id, status=422, member_errors=exc.errors)
    return _team_page(request, team_id)


@login_required
@require_POST
@handle_errors
def team_member_add(request: HttpRequest, team_id: int) -> HttpResponse:
    org_admin_require(request.user)
    try:
        user_id = forms.user_id(request.POST)
    except ValidationError as exc:
        return _team_page(request, team_id, status=422, member_errors=exc.errors)
    return _change_members(request, team_id, add=user_id)


@login_required
@require_POST
@handle_errors
def team_member_remove(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    return _change_members(request, team_id, remove=user_id)


@login_required
@require_GET
@handle_errors
def team_candidates(request: HttpRequest, team_id: int) -> HttpResponse:
    """People who could join the team, for the add-member search (a fragment)."""
    org_admin_require(request.user)
    team = selectors.team_get(team_id=team_id)
    search = (request.GET.get("q") or "").strip()
    candidates = selectors.team_candidates(team=team, search=search or None) if search else []
    return render_page(request, "accounts/_team_candidates.html",
                       {"team": team, "candidates": candidates, "search": search})


@login_required
@require_GET
def people_options(request: HttpRequest) -> HttpResponse:
    """The options of a members panel's person-or-team picker, narrowed by what the reader typed (a fragment)."""
    search = (request.GET.get("q") or "").strip()[:100]
    people, more = selectors.picker_people(search=search)
    teams = list(selectors.team_list(search=search or None).prefetch_related(None)[: selectors.PICKER_LIMIT])
    return render_page(
        request,
        "includes/_principal_options.html",
        {"m_people": people, "m_people_more": more, "m_teams": teams, "m_search": search},
    )


@login_required
@require_POST
@handle_errors
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    org_admin_require(request.user)
    services.team_delete(actor=request.user, team=selectors.team_get(team_id=team_id))
    return redirect_after_write(request, reverse("accounts:teams"))
