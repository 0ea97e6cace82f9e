from django.urls import include, path

from mfa import views, webauthn

urlpatterns = [
    path("", views.manage, name="mfa-manage"),
    path("verify/", views.verify, name="mfa-verify"),
    path("verify/recovery-code/", views.verify_recovery, name="mfa-verify-recovery"),
    path("set-up/", views.setup, name="mfa-setup"),
    path("set-up/done/", views.enrolled, name="mfa-enrolled"),
    path("recovery-codes/", views.recovery_codes, name="mfa-recovery-codes"),
    path(
        "recovery-codes/new/",
        views.recovery_codes_regenerate,
        name="mfa-recovery-codes-regenerate",
    ),
    path("confirm/", views.step_up, name="mfa-step-up"),
    path("staff/<int:staff_id>/reset/", views.staff_reset, name="mfa-staff-reset"),
    path("webauthn/", include((webauthn.urlpatterns, "mfa-webauthn"))),
]
