from django.urls import path

from portfolium.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("projects/<int:project_id>/gantt/", views.gantt, name="gantt"),
    path(
        "projects/<int:project_id>/gantt/tasks/<int:task_id>/", views.gantt_task_edit, name="gantt_task_edit"
    ),
    path(
        "projects/<int:project_id>/gantt/tasks/<int:task_id>/links/",
        views.gantt_link_add,
        name="gantt_link_add",
    ),
    path(
        "projects/<int:project_id>/gantt/links/<int:dependency_id>/remove/",
        views.gantt_link_remove,
        name="gantt_link_remove",
    ),
    path("projects/<int:project_id>/plan.json", views.plan_download, name="plan_download"),
    path("projects/<int:project_id>/gantt/reschedule/", views.gantt_reschedule, name="gantt_reschedule"),
    path("projects/<int:project_id>/baselines/", views.baseline_add, name="baseline_add"),
    path("projects/<int:project_id>/baselines/compare/", views.baseline_compare, name="baseline_compare"),
    path(
        "projects/<int:project_id>/baselines/<int:baseline_id>/rename/",
        views.baseline_rename,
        name="baseline_rename",
    ),
    path(
        "projects/<int:project_id>/baselines/<int:baseline_id>/delete/",
        views.baseline_remove,
        name="baseline_delete",
    ),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("portfolios/<int:portfolio_id>/roadmap/", views.roadmap, name="portfolio_roadmap"),
    path("calendars/", views.calendars, name="calendars"),
    path("calendars/new/", views.calendar_new, name="calendar_new"),
    path("calendars/<int:calendar_id>/edit/", views.calendar_edit, name="calendar_edit"),
    path("calendars/<int:calendar_id>/delete/", views.calendar_remove, name="calendar_delete"),
    path(
        "calendars/<int:calendar_id>/exceptions/", views.calendar_exception_new, name="calendar_exception_add"
    ),
    path(
        "calendars/<int:calendar_id>/exceptions/<int:exception_id>/delete/",
        views.calendar_exception_remove,
        name="calendar_exception_delete",
    ),
]
