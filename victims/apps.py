from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"
    verbose_name = "Victims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from register import access, events
        from register.models import Role
        from victims import conf, listeners

        # Roles are necessary, never sufficient: victims.selectors decides per record (the
        # owning agency's VLOs and grantees see the compartment; offender-side users see
        # that a victim of a nominal they may see exists).
        victim_roles = access.CASEWORK_ROLES | {Role.VICTIM_LIAISON_OFFICER}
        access.register_policy("victims.victim", {"view": victim_roles, "change": victim_roles})
        # A disclosure case is its agency's: casework roles and VLOs of that agency.
        access.register_policy(
            "victims.disclosurecase", {"view": victim_roles, "change": victim_roles}
        )
        events.listen(listeners.on_safety_change)
        events.listen_registration(listeners.on_registration)
        events.listen_aggressor_review(listeners.on_aggressor_review)
        conf.declare_figures()
