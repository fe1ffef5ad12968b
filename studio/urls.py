from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as accounts_views
from studio import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("health/", views.health, name="health"),
    path("providers/", include("providers.urls")),
    path("api/capabilities/", views.capabilities, name="capabilities"),
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path(
        "i18n/<str:language>/catalog.js",
        accounts_views.javascript_catalog,
        name="javascript-catalog",
    ),
    # Browsers ask for it on pages that name no icon (the admin's, an image opened alone).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("", include("teams.urls")),
    path("", include("moderation.urls")),
    path("", include("conversations.urls")),
    path("", include("usage.urls")),
    path("", include("galleries.urls")),
    path("", include("favourites.urls")),
]
