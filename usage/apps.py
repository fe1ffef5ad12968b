from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    name = "usage"
    verbose_name = _("Usage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from usage import hooks  # models are loaded only once the apps are ready

        hooks.register()
