from django.urls import path

from galleries import public_views, views

app_name = "galleries"

urlpatterns = [
    path("galleries/", views.galleries_page, name="list"),
    path("galleries/<int:gallery_id>/", views.gallery_page, name="gallery"),
    path(
        "galleries/<int:gallery_id>/items/<int:item_id>/image/",
        views.item_image,
        name="item-image",
    ),
    path("api/galleries/", views.galleries_collection, name="galleries"),
    path("api/galleries/<int:gallery_id>/", views.gallery_detail, name="gallery-detail"),
    path("api/galleries/<int:gallery_id>/items/", views.items_collection, name="items"),
    path(
        "api/galleries/<int:gallery_id>/items/<int:item_id>/",
        views.item_detail,
        name="item-detail",
    ),
    path(
        "api/galleries/<int:gallery_id>/items/<int:item_id>/move/",
        views.move_item,
        name="item-move",
    ),
    path("api/galleries/<int:gallery_id>/links/", views.links_collection, name="links"),
    path(
        "api/galleries/<int:gallery_id>/links/<int:link_id>/revoke/",
        views.revoke_link,
        name="link-revoke",
    ),
    path("g/<str:token>/", public_views.public_gallery_page, name="public"),
    path("g/<str:token>/items/", public_views.public_items, name="public-items"),
    path(
        "g/<str:token>/items/<int:item_id>/image/",
        public_views.public_item_image,
        name="public-item-image",
    ),
]
