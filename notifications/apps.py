from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and due items"
    default_auto_field = "django.db.models.BigAutoField"
