"""Security keys and passkeys (django-otp-webauthn), fitted to this service.

The package's views run the ceremonies; these subclasses record the verification the way
every other second factor is recorded (mfa.session.mark_verified), and the helper accepts
the page's own origin when its host is the relying party, so a register served on another
port (a developer's, a browser test's live server) works without listing each one.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.urls import path
from django_otp_webauthn import exceptions, helpers, views
from django_otp_webauthn.settings import app_settings

from mfa import session
from mfa.middleware import second_factor_not_required


class WebAuthnHelper(helpers.WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        origins = list(app_settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        # get_host() is checked against ALLOWED_HOSTS, so this is not the client's to choose.
        own = f"{self.request.scheme}://{self.request.get_host()}"
        if self.request.get_host().split(":")[0] == self.get_relying_party_domain():
            origins.append(own)
        return origins


class CompleteRegistration(views.CompleteCredentialRegistrationView):
    """A new security key; on first enrolment it is also the second factor of this session."""

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        was_verified = self.request.user.is_verified()  # type: ignore[union-attr]
        response = super().post(*args, **kwargs)
        if not was_verified and response.status_code == 200:
            session.mark_verified(self.request, self.request.user.otp_device)  # type: ignore[union-attr]
        return response


class CompleteAuthentication(views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device: Any) -> Any:
        if device.user_id != self.request.user.pk:
            # Only the signed-in user's own keys count (passwordless sign-in is off).
            raise exceptions.CredentialUserMismatch()
        session.mark_verified(self.request, device)


def _exempt(view: Any) -> Any:
    return second_factor_not_required(view)


urlpatterns = [
    path(
        "registration/begin/",
        _exempt(views.BeginCredentialRegistrationView.as_view()),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        _exempt(CompleteRegistration.as_view()),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        _exempt(views.BeginCredentialAuthenticationView.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        _exempt(CompleteAuthentication.as_view()),
        name="credential-authentication-complete",
    ),
]
