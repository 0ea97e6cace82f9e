from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Bulk import from a legacy register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from imports import conf

        conf.declare_figures()
