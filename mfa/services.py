"""Every write of the MFA app: enrolment, recovery codes, an administrator's reset, demo keys."""

from __future__ import annotations

import hashlib
import hmac
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from mfa import conf
from mfa.models import MfaReset, VerifiedSession
from mfa.selectors import RECOVERY_DEVICE_NAME
from register.errors import DomainError
from register.models import Role, StaffUser
from register.services.common import require_reason

AUTHENTICATOR_APP = "Authenticator app"
DEMO_AUTHENTICATOR = "Demo authenticator"


@transaction.atomic
def totp_enrolment_start(*, user: StaffUser) -> TOTPDevice:
    """The authenticator-app key being set up: kept until confirmed, so a reload shows the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_APP).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user: StaffUser, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the app works by a code it shows; the key is then the user's second factor."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token.strip()):
        raise DomainError(
            "The code is not right: enter the 6-digit code your app shows now", field="token"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def recovery_codes_generate(*, user: StaffUser) -> list[str]:
    """New single-use recovery codes; the previous ones stop working. Shown to the user once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(conf.get("RECOVERY_CODES"))]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def mfa_reset(*, actor: StaffUser, member: StaffUser, reason: str) -> MfaReset:
    """An administrator removes a colleague's second factors (a lost phone or key).

    The colleague's signed-in sessions end too, so they must sign in and enrol again before
    they see another page.
    """
    if not (actor.has_role(Role.ADMINISTRATOR) and actor.agency_id == member.agency_id):
        raise DomainError("Only an administrator of the same agency can reset this account")
    if actor.pk == member.pk:
        raise DomainError("Another administrator must reset your own second factors")
    reason = require_reason(reason)
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=member).delete()[1].get(model._meta.label, 0)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = VerifiedSession.objects.filter(user=member)
    for key in sessions.values_list("session_key", flat=True):
        store(session_key=key).delete()
    sessions.delete()
    return MfaReset.objects.create(
        member=member, actor=actor, reason=reason, devices_removed=removed
    )


def demo_key(username: str) -> str:
    """A demo account's authenticator key (hex, 20 bytes): the same every time the demo loads."""
    secret = conf.get("DEMO_SECRET").encode()
    return hmac.new(secret, username.encode(), hashlib.sha256).hexdigest()[:40]


@transaction.atomic
def demo_enrol(*, user: StaffUser) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR,
        defaults={"key": demo_key(user.username), "confirmed": True},
    )
    return device
