from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NarrativesConfig(AppConfig):
    name = "narratives"
    verbose_name = "Narratives"

    def ready(self) -> None:
        from . import permissions

        post_migrate.connect(permissions.ensure_groups, sender=self)
        from .framing import signals  # noqa: F401  (keeps framing occurrences current on every change)
