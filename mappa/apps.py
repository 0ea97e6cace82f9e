from django.apps import AppConfig


class MappaConfig(AppConfig):
    name = "mappa"
    verbose_name = "MAPPA"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mappa import conf, services
        from register import access, events

        conf.declare_figures()

        # Registering a DA/stalking offender proposes a MAPPA case to the coordinator.
        events.listen_registration(services.on_registration)

        # The case its agency leads moves with a transferred record (mappa.transfers).
        from core import events as domain_events
        from mappa import transfers

        domain_events.subscribe("transfer.accepted", transfers.on_transfer_accepted)

        # Records hang off a nominal and are reached through it; the role decides who may look.
        # Deciding referrals and approving plans need more (see mappa.services).
        casework = {"view": access.CASEWORK_ROLES, "change": access.CASEWORK_ROLES}
        for model in (
            "mappacase",
            "levelchange",
            "referral",
            "meeting",
            "meetingcase",
            "meetingaction",
            "riskmanagementplan",
            "homevisit",
            "archivereview",
            "category3consideration",
        ):
            access.register_policy(f"mappa.{model}", dict(casework))  # type: ignore[arg-type]
