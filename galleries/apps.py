from django.apps import AppConfig


class GalleriesConfig(AppConfig):
    name = "galleries"
    default_auto_field = "django.db.models.BigAutoField"
