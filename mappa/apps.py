from django.apps import AppConfig


class MappaConfig(AppConfig):
    name = "mappa"
    verbose_name = "MAPPA"
    default_auto_field = "django.db.models.BigAutoField"
