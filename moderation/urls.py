from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.review_queue_page, name="queue"),
    path("moderation/decide/", views.decide, name="decide"),
    path(
        "moderation/users/<int:user_id>/lift-suspension/",
        views.lift_suspension,
        name="lift-suspension",
    ),
    path("moderation/notice/dismiss/", views.dismiss_notice, name="dismiss-notice"),
    path("api/images/<int:image_id>/flag/", views.flag_image, name="flag-image"),
    path(
        "api/gallery-items/<int:item_id>/flag/",
        views.flag_gallery_item,
        name="flag-gallery-item",
    ),
]
