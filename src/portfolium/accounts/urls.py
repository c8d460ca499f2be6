from django.urls import path

from portfolium.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/", views.people, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:user_id>/", views.person_detail, name="person"),
    path("people/<int:user_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:user_id>/password/", views.person_password, name="person_password"),
    path("people/options/", views.people_options, name="people_options"),
    path("teams/", views.teams, name="teams"),
    path("teams/add/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/members/add/", views.team_member_add, name="team_member_add"),
    path("teams/<int:team_id>/members/<int:user_id>/remove/", views.team_member_remove, name="team_member_remove"),
    path("teams/<int:team_id>/candidates/", views.team_candidates, name="team_candidates"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
]
