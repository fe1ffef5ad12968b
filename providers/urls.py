from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("", views.provider_list, name="list"),
    path("add/", views.provider_add, name="add"),
    path("default/", views.site_default, name="default"),
    path("<int:provider_id>/", views.provider_detail, name="detail"),
    path("<int:provider_id>/edit/", views.provider_edit, name="edit"),
    path(
        "<int:provider_id>/<str:action>/",
        views.provider_action,
        name="action",
    ),
    path("<int:provider_id>/models/<int:model_id>/", views.model_edit, name="model"),
]
