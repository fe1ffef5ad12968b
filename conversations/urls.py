from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.studio_page, name="studio"),
    path("c/<int:conversation_id>/", views.studio_page, name="conversation"),
    path("api/conversations/", views.conversations_collection, name="conversations"),
    path(
        "api/conversations/<int:conversation_id>/",
        views.conversation_detail,
        name="conversation-detail",
    ),
    path("api/conversations/<int:conversation_id>/turns/", views.turns_collection, name="turns"),
    path(
        "api/conversations/<int:conversation_id>/export/",
        views.conversation_export,
        name="conversation-export",
    ),
    path("api/images/<int:image_id>/", views.image_detail, name="image-detail"),
    path("api/turns/<int:turn_id>/", views.turn_detail, name="turn-detail"),
    path("api/turns/<int:turn_id>/cancel/", views.cancel_turn, name="turn-cancel"),
    path("api/turns/<int:turn_id>/retry/", views.retry_turn, name="turn-retry"),
    path("media/images/<int:image_id>/", views.image_file, name="image"),
    # Staff's route to any image, hidden ones too: the review queue and the admin link here.
    path("moderation/media/images/<int:image_id>/", views.staff_image_file, name="staff-image"),
]
