from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Providers")

    def ready(self) -> None:
        from providers.seeding import seed_after_migrate

        # `make run` and `make web` migrate on every start, so the environment's provider
        # is created on the first start and follows the environment on later ones.
        post_migrate.connect(seed_after_migrate, sender=self)
