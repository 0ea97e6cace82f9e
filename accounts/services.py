"""Every change to how a member of staff signs in: invitations, reset links, unlocking,
setting and changing a password. Each records who acted and why (AccountEvent, with its
history) and e-mails the account's owner.

Links are e-mailed while the transaction is open and a failed send raises, so a link
that never left is never recorded as sent: the administrator is told and nothing changes.
They do not go through the outbox (core.outbox): a link is a credential and must not
rest in a table. Notices that a password changed follow the commit and are only logged
if they fail: the change itself stands.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AccountEvent, AccountEventKind
from accounts.selectors import is_locked
from accounts.tokens import LinkState, LinkTokenGenerator, invitation_tokens, reset_tokens
from register.audit import save_with_history, stamp
from register.errors import DomainError
from register.models import Role, StaffUser
from register.services.common import require_reason

logger = logging.getLogger(__name__)

INVITATION = "invitation"
RESET = "reset"
_TOKENS: dict[str, LinkTokenGenerator] = {INVITATION: invitation_tokens, RESET: reset_tokens}
_LINK_URLS = {INVITATION: "account-invitation", RESET: "account-reset"}


def tokens_for(purpose: str) -> LinkTokenGenerator:
    return _TOKENS[purpose]


def _check_admin_of(actor: StaffUser, account: StaffUser) -> None:
    # Views reach the account through register.selectors.staff_get (404 otherwise); this
    # keeps the rule for any other caller.
    if not (actor.has_role(Role.ADMINISTRATOR) and actor.agency_id == account.agency_id):
        raise DomainError("Only an administrator of the same agency can manage this account")
    if account.is_api_client:
        raise DomainError("A partner system's account has no password")


def link_url(*, purpose: str, account: StaffUser, token: str) -> str:
    path = reverse(
        _LINK_URLS[purpose],
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(account.pk)), "token": token},
    )
    return f"{settings.SERVICE_URL.rstrip('/')}{path}"


def _email(*, account: StaffUser, template: str, subject: str, context: dict[str, object]) -> None:
    body = render_to_string(
        f"accounts/email/{template}.txt",
        {"account": account, "service_name": settings.SERVICE_NAME, **context},
    )
    EmailMessage(
        subject=f"{subject}: {settings.SERVICE_NAME}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[account.email],
    ).send(fail_silently=False)


def _record(
    *,
    kind: str,
    account: StaffUser,
    actor: StaffUser | None,
    reason: str,
    at: dt.datetime,
    expires_at: dt.datetime | None = None,
) -> AccountEvent:
    event = AccountEvent(
        account=account, kind=kind, actor=actor, reason=reason, created_at=at, expires_at=expires_at
    )
    if actor is not None:
        stamp(event, actor=actor, reason=reason)
    else:
        event._change_reason = reason  # type: ignore[attr-defined]
    event.save()
    return event


def _send_link(
    *, purpose: str, kind: str, account: StaffUser, actor: StaffUser | None, reason: str
) -> AccountEvent:
    if not account.is_active:
        raise DomainError("This account is disabled: enable it before sending a link")
    if not account.email:
        raise DomainError("This account has no e-mail address: add one first", field="email")
    # Whole seconds: the token counts in seconds, so the expiry e-mailed is the real one.
    now = timezone.now().replace(microsecond=0)
    tokens = tokens_for(purpose)
    event = _record(
        kind=kind,
        account=account,
        actor=actor,
        reason=reason,
        at=now,
        expires_at=tokens.expires_at(now),
    )
    token = tokens.make_token_at(account, now)
    try:
        _email(
            account=account,
            template=purpose,
            subject="Set your password" if purpose == INVITATION else "Reset your password",
            context={
                "link": link_url(purpose=purpose, account=account, token=token),
                "event": event,
                "actor": actor,
            },
        )
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("Could not e-mail a %s link to account %s: %s", purpose, account.pk, exc)
        raise DomainError(
            "The e-mail could not be sent, so no link was issued. Try again later."
        ) from exc
    return event


@transaction.atomic
def invitation_send(*, actor: StaffUser | None, account: StaffUser, reason: str) -> AccountEvent:
    """E-mail a new account's owner a link to set their first password.

    `actor=None` only when bootstrap creates an account (no administrator exists yet).
    Sending again leaves earlier invitations working until one is used or expires.
    """
    if actor is not None:
        _check_admin_of(actor, account)
    reason = require_reason(reason)
    if account.has_usable_password():
        raise DomainError(
            f"{account} has already set a password: send a password reset link instead"
        )
    return _send_link(
        purpose=INVITATION,
        kind=AccountEventKind.INVITATION_SENT,
        account=account,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def reset_link_issue(*, actor: StaffUser, account: StaffUser, reason: str) -> AccountEvent:
    """E-mail a colleague a one-time link to set a new password.

    Their current password keeps working until they use it: a link sent to the wrong
    request must not lock a colleague out.
    """
    _check_admin_of(actor, account)
    reason = require_reason(reason)
    if account.pk == actor.pk:
        raise DomainError("Change your own password from “Change your password” instead")
    if not account.has_usable_password():
        raise DomainError(
            f"{account} has not set a password yet: send their invitation again instead"
        )
    return _send_link(
        purpose=RESET,
        kind=AccountEventKind.RESET_LINK_SENT,
        account=account,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def account_unlock(*, actor: StaffUser, account: StaffUser, reason: str) -> AccountEvent:
    """Let a colleague locked out by too many failed sign-ins try again at once, from any
    address (django-axes forgets every failure recorded against the username)."""
    _check_admin_of(actor, account)
    reason = require_reason(reason)
    if not is_locked(account):
        raise DomainError(f"{account} is not locked out: they can sign in now")
    axes_reset(username=account.username)
    return _record(
        kind=AccountEventKind.UNLOCKED,
        account=account,
        actor=actor,
        reason=reason,
        at=timezone.now(),
    )


def _check_new_password(password: str, account: StaffUser, field: str) -> None:
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field=field, errors={field: exc.messages}) from exc


def _notify_changed(account: StaffUser, at: dt.datetime) -> None:
    def send() -> None:
        try:
            _email(
                account=account,
                template="password_changed",
                subject="Your password was changed",
                context={"at": at},
            )
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not e-mail account %s that its password changed", account.pk)

    if account.email:
        transaction.on_commit(send)


@transaction.atomic
def password_set_from_link(
    *, account: StaffUser, purpose: str, token: str, password: str
) -> StaffUser:
    """Set a password from an invitation or reset link, which then stops working.

    The account's row is locked and the token checked again under the lock: of two
    submissions of one link at once, the second finds the password changed and fails.
    """
    locked = StaffUser.objects.select_for_update(of=("self",)).get(pk=account.pk)
    state = tokens_for(purpose).state(locked, token)
    if state is LinkState.EXPIRED:
        raise DomainError("This link has expired. Ask your administrator for a new one.")
    if state is not LinkState.VALID:
        raise DomainError(
            "This link has already been used or is not valid. Ask your administrator for a new one."
        )
    _check_new_password(password, locked, "new_password1")
    locked.set_password(password)
    how = "an invitation" if purpose == INVITATION else "a reset link"
    save_with_history(locked, actor=locked, reason=f"Set their password from {how}")
    now = timezone.now()
    _record(
        kind=AccountEventKind.PASSWORD_SET,
        account=locked,
        actor=locked,
        reason=f"Set their password from {how}",
        at=now,
    )
    # Whoever holds the link chose a new password: old failures must not keep them out.
    axes_reset(username=locked.username)
    _notify_changed(locked, now)
    return locked


@transaction.atomic
def password_change(*, user: StaffUser, old_password: str, new_password: str) -> StaffUser:
    """A signed-in member of staff changes their own password (the view keeps them signed
    in; their other sessions end, as Django's session hash changes)."""
    locked = StaffUser.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if not locked.check_password(old_password):
        raise DomainError(
            "Your current password is not correct. Enter it again.", field="old_password"
        )
    if new_password == old_password:
        raise DomainError(
            "Your new password must be different from your current password",
            field="new_password1",
        )
    _check_new_password(new_password, locked, "new_password1")
    locked.set_password(new_password)
    save_with_history(locked, actor=locked, reason="Changed their own password")
    now = timezone.now()
    _record(
        kind=AccountEventKind.PASSWORD_CHANGED,
        account=locked,
        actor=locked,
        reason="Changed their own password",
        at=now,
    )
    _notify_changed(locked, now)
    return locked


def invite_on_create(account: StaffUser) -> None:
    """A new account without a password gets its invitation as it is created.

    Called from post_save (accounts.apps): the register creates accounts and must not
    import this app, which stands on it. In the creating transaction: if the e-mail
    cannot go, the account is not created either and the administrator is told.
    """
    if account.is_api_client or account.has_usable_password() or not account.email:
        return
    actor = getattr(account, "_history_user", None)
    reason = getattr(account, "_change_reason", "") or "New account"
    invitation_send(actor=actor, account=account, reason=f"New account: {reason}")
