from __future__ import annotations

from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Multi-factor authentication: enrolment, verification, step-up, resets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from mfa.session import forget_session

        user_logged_out.connect(forget_session, dispatch_uid="mfa.forget_session")
