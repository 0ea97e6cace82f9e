"""Account pages: links to set a password, changing one's own, signing out, and the
administrator's actions on a colleague's account (their own agency only)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts import conf, selectors, services
from accounts.forms import AccountActionForm, ChangePasswordForm, NewPasswordForm
from accounts.models import AccountEvent
from accounts.tokens import LinkState
from register import selectors as register_selectors
from register.errors import DomainError
from register.models import StaffUser
from register.requests import StaffRequest
from register.views.common import _apply_domain_error, _page

# The address the form is shown at once the token has moved from the URL into the session,
# so the token never reaches a Referer header or the browser's history (as Django does).
SET_PASSWORD = "set-password"  # noqa: S105 - a path segment, not a password


def _account_from_uid(uidb64: str) -> StaffUser | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:  # beyond a bigint the database would refuse the query itself
        return None
    return StaffUser.objects.filter(pk=pk, is_api_client=False).first()


def _link_page(request: HttpRequest, uidb64: str, token: str, *, purpose: str) -> HttpResponse:
    account = _account_from_uid(uidb64)
    tokens = services.tokens_for(purpose)
    session_key = f"accounts.{purpose}_token"
    if token != SET_PASSWORD:
        state = tokens.state(account, token)
        if state is LinkState.VALID:
            request.session[session_key] = token
            return redirect(request.path.replace(f"/{token}/", f"/{SET_PASSWORD}/"))
    else:
        token = request.session.get(session_key, "")
        state = tokens.state(account, token)
    context = {"purpose": purpose, "invitation": purpose == services.INVITATION}
    if state is not LinkState.VALID or account is None:
        # The same page for an unknown account as for a used link: it tells nobody who exists.
        return render(
            request,
            "accounts/link_not_valid.html",
            {**context, "expired": state is LinkState.EXPIRED},
        )
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_from_link(
                account=account,
                purpose=purpose,
                token=token,
                password=form.cleaned_data["new_password1"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            del request.session[session_key]
            return redirect("account-password-set")
    return render(request, "accounts/set_password.html", {**context, "form": form})


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return _link_page(request, uidb64, token, purpose=services.INVITATION)


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    return _link_page(request, uidb64, token, purpose=services.RESET)


@login_not_required
@require_GET
def password_set(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_set.html")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: StaffRequest) -> HttpResponse:
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            # Keeps this session; the account's other sessions end with the old password.
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/logged_out.html")


# Administrators: their own agency's accounts only ----------------------------------------


def _colleague(request: StaffRequest, staff_id: int) -> StaffUser:
    """Through the register's staff selector: another agency's account, or a user who is not
    an administrator, gets 404, as for a record they may not see."""
    member = register_selectors.staff_get(user=request.user, staff_id=staff_id)
    if member.is_api_client:
        raise Http404
    return member


def _account_action(
    request: StaffRequest,
    member: StaffUser,
    *,
    act: Callable[[str], AccountEvent],
    template: str,
    reason_label: str,
    success: Callable[[AccountEvent], str],
    context: dict[str, object] | None = None,
) -> HttpResponse:
    form = AccountActionForm(request.POST or None, reason_label=reason_label)
    if request.method == "POST" and form.is_valid():
        try:
            event = act(form.cleaned_data["reason"])
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, success(event))
            return redirect("staff-list")
    return render(
        request,
        template,
        {"form": form, "member": member, "cancel_url": reverse("staff-list"), **(context or {})},
    )


def _expires(event: AccountEvent) -> str:
    """UK time and format, as the e-mail says it: "29 November 2026 at 14:05"."""
    if event.expires_at is None:
        return "it is used"
    return date_filter(timezone.localtime(event.expires_at), "j F Y \\a\\t H:i")


@require_GET
def staff_account_history(request: StaffRequest, staff_id: int) -> HttpResponse:
    """What was done to a colleague's sign-in, by whom and why (newest first)."""
    member = _colleague(request, staff_id)
    page = _page(request, selectors.account_events(account=member))
    return render(
        request,
        "accounts/staff_account_history.html",
        {"member": member, "page": page, "locked": selectors.is_locked(member)},
    )


@require_http_methods(["GET", "POST"])
def staff_reset_link(request: StaffRequest, staff_id: int) -> HttpResponse:
    member = _colleague(request, staff_id)
    return _account_action(
        request,
        member,
        act=lambda reason: services.reset_link_issue(
            actor=request.user, account=member, reason=reason
        ),
        template="accounts/staff_reset_link.html",
        reason_label="Why are you sending a reset link?",
        success=lambda event: (
            f"A password reset link was e-mailed to {member}. It works once, until "
            f"{_expires(event)}."
        ),
        context={"reset_hours": int(conf.reset_lifetime().total_seconds() // 3600)},
    )


@require_http_methods(["GET", "POST"])
def staff_invitation(request: StaffRequest, staff_id: int) -> HttpResponse:
    member = _colleague(request, staff_id)
    return _account_action(
        request,
        member,
        act=lambda reason: services.invitation_send(
            actor=request.user, account=member, reason=reason
        ),
        template="accounts/staff_invitation.html",
        reason_label="Why are you sending the invitation again?",
        success=lambda event: (
            f"An invitation was e-mailed to {member}. It works once, until {_expires(event)}."
        ),
        context={"invitation_days": conf.invitation_lifetime().days},
    )


@require_http_methods(["GET", "POST"])
def staff_unlock(request: StaffRequest, staff_id: int) -> HttpResponse:
    member = _colleague(request, staff_id)
    return _account_action(
        request,
        member,
        act=lambda reason: services.account_unlock(
            actor=request.user, account=member, reason=reason
        ),
        template="accounts/staff_unlock.html",
        reason_label="Why are you unlocking this account?",
        success=lambda event: f"{member}'s account is unlocked: they can sign in again now",
        context={"locked": selectors.is_locked(member)},
    )
