from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("teams/", views.team_list, name="list"),
    path("teams/<int:team_id>/", views.team_detail, name="detail"),
    path("teams/<int:team_id>/<slug:action>/", views.team_action, name="action"),
    path(
        "teams/<int:team_id>/members/<int:member_id>/<slug:action>/",
        views.member_action,
        name="member-action",
    ),
    path(
        "teams/invitations/<int:invitation_id>/<slug:answer>/",
        views.invitation_answer,
        name="invitation-answer",
    ),
    path("teams/join/<str:token>/", views.join_by_link, name="join"),
    path("api/teams/", views.teams_json, name="api-list"),
]
