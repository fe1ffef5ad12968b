from django.urls import path

from favourites import views

app_name = "favourites"

urlpatterns = [
    path("favourites/", views.favourites_page, name="page"),
    path("api/favourites/", views.favourites_collection, name="collection"),
    path("api/images/<int:image_id>/favourite/", views.favourite_image, name="image"),
]
