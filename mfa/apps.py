from __future__ import annotations

from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "mfa"
    verbose_name = "Multi-factor authentication: enrolment, verification, step-up, resets"
    default_auto_field = "django.db.models.BigAutoField"
