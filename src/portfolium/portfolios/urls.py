from django.urls import path
from django.views.generic import RedirectView

from portfolium.portfolios import views, views_members
from portfolium.projects import views as project_views

app_name = "portfolios"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portfolios:tree"), name="home"),
    path("portfolios/", views.tree, name="tree"),
    path("portfolios/new/", views.portfolio_new, name="new"),
    path("portfolios/<int:portfolio_id>/", views.portfolio_overview, name="detail"),
    path("portfolios/<int:portfolio_id>/edit/", views.portfolio_edit, name="edit"),
    path("portfolios/<int:portfolio_id>/head/", views.portfolio_head, name="head"),
    path("portfolios/<int:portfolio_id>/programs/new/", views.program_new, name="program_new"),
    path("portfolios/<int:portfolio_id>/fields/", views.custom_field_add, name="field_add"),
    path("fields/<int:field_id>/edit/", views.custom_field_edit, name="field_edit"),
    path("fields/<int:field_id>/delete/", views.custom_field_delete, name="field_delete"),
    path("portfolios/<int:scope_id>/members/", views_members.grant, {"kind": "portfolio"}, name="portfolio_members"),
    path("portfolios/<int:scope_id>/members/<int:membership_id>/revoke/", views_members.revoke,
         {"kind": "portfolio"}, name="portfolio_member_revoke"),
    path("overview/", views.overview, name="overview"),
    path("programs/<int:program_id>/", views.program_detail, name="program"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:program_id>/head/", views.program_head, name="program_head"),
    path("programs/<int:program_id>/delete/", views.program_delete, name="program_delete"),
    path("portfolios/<int:portfolio_id>/delete/", views.portfolio_delete, name="delete"),
    path("programs/<int:scope_id>/members/", views_members.grant, {"kind": "program"}, name="program_members"),
    path("programs/<int:scope_id>/members/<int:membership_id>/revoke/", views_members.revoke,
         {"kind": "program"}, name="program_member_revoke"),
    path("goals/", views.goals, name="goals"),
    path("goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:goal_id>/projects/", views.goal_projects, name="goal_projects"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/delete/", views.goal_delete, name="goal_delete"),
    # "My work" spans every project; it lives at the root, so the root app routes it.
    path("my-work/", project_views.my_work, name="my_work"),
    path("assets/plotly.min.js", views.plotly_js, name="plotly_js"),
]
