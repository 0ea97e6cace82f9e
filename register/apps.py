from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = "The register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from register import signals  # noqa: F401
        from register.services import transfers

        transfers.declare_figures()
