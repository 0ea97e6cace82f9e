from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """Signed push of domain events to partner systems (Standard Webhooks).

    Stands on the register (API clients, the access gate) and core (events); nothing
    below imports it.
    """

    name = "partners"
    verbose_name = "Partner systems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import events
        from partners import listeners

        events.subscribe(events.ALL, listeners.write_deliveries)
