from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground under every app: the transactional outbox and API idempotency records.

    It belongs to no domain, so it imports none of them (register stands on it).
    """

    name = "core"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.input import refuse_unknown_fields

        refuse_unknown_fields()
