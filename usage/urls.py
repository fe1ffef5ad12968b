from django.urls import path

from usage import views

app_name = "usage"

urlpatterns = [
    path("usage/", views.my_usage, name="mine"),
    path("usage/export.csv", views.my_export, name="export"),
    path("usage/teams/<int:team_id>/", views.team_usage, name="team"),
    path("usage/teams/<int:team_id>/export.csv", views.team_export, name="team-export"),
    path("api/estimate/", views.estimate, name="estimate"),
]
