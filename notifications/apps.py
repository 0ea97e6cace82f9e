from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and due items"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import events
        from notifications import (
            checks,  # noqa: F401 - registers the system checks
            conf,
            listeners,
        )
        from register import access
        from register.models import Role

        # Tasks are their owner's own (notifications.selectors.tasks_of); the role decides
        # who has an inbox at all: the casework roles, and VLOs for their victim-side tasks.
        task_roles = access.CASEWORK_ROLES | {Role.VICTIM_LIAISON_OFFICER}
        access.register_policy("notifications.task", {"view": task_roles, "change": task_roles})
        conf.declare_figures()
        # The register announces; notifications schedules what falls due (notifications.listeners).
        events.subscribe("registration.decided", listeners.on_registration_decided)
        events.subscribe("nominal.changed", listeners.on_nominal_changed)

        # A transferred record's open casework moves with it (notifications.transfers).
        from core import events as domain_events
        from notifications import transfers

        domain_events.subscribe("transfer.accepted", transfers.on_transfer_accepted)
