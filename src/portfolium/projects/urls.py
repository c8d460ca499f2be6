from django.urls import path

from portfolium.portfolios import views_members
from portfolium.projects import views

app_name = "projects"

urlpatterns = [
    path("new/", views.project_new, name="new"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/head/", views.project_head, name="head"),
    path("<int:project_id>/delete/", views.project_delete, name="delete"),
    path("<int:project_id>/goals/", views.goal_link, name="goal_link"),
    path("<int:project_id>/goals/<int:goal_id>/remove/", views.goal_unlink, name="goal_unlink"),
    path("<int:scope_id>/members/", views_members.grant, {"kind": "project"}, name="project_members"),
    path("<int:scope_id>/members/<int:membership_id>/revoke/", views_members.revoke, {"kind": "project"},
         name="project_member_revoke"),
    path("<int:project_id>/outline/", views.outline, name="outline"),
    path("<int:project_id>/tasks/add/", views.task_add, name="task_add"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/outline/<slug:action>/", views.outline_action, name="outline_action"),
    path("tasks/<int:task_id>/checklist/", views.checklist_add, name="checklist_add"),
    path("checklist/<int:item_id>/toggle/", views.checklist_toggle, name="checklist_toggle"),
    path("checklist/<int:item_id>/delete/", views.checklist_delete, name="checklist_delete"),
    path("tasks/<int:task_id>/comments/", views.comment_add, name="comment_add"),
    path("tasks/<int:task_id>/dependencies/", views.dependency_add, name="dependency_add"),
    path("dependencies/<int:dependency_id>/delete/", views.dependency_remove, name="dependency_remove"),
]
