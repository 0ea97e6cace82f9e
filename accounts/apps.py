from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts: invitations, reset links, unlocking, passwords"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts import conf, listeners
        from register.models import StaffUser

        # The register creates accounts and may not import this app (which stands on it),
        # so it hears of new ones through Django's own signal.
        post_save.connect(
            listeners.invite_new_account, sender=StaffUser, dispatch_uid="accounts.invite"
        )
        conf.declare_figures()
