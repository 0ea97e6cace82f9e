"""Forms for setting and changing passwords and for administrators' account actions."""

from __future__ import annotations

from typing import Any

from django import forms

from register.forms import GovukFormMixin, ReasonField

RULES_HINT = (
    "At least 12 characters. Not a common password, not only numbers, and not like your "
    "name, username or e-mail address."
)


def _password(label: str, *, autocomplete: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=hint,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={"required": f"Enter your {label[:1].lower()}{label[1:]}"},
    )


class NewPasswordForm(GovukFormMixin, forms.Form):
    """A new password, typed twice. The password rules are checked by the service."""

    new_password1 = _password("New password", autocomplete="new-password", hint=RULES_HINT)
    new_password2 = _password("Confirm new password", autocomplete="new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The passwords do not match. Enter the same one twice.")
        return data


class ChangePasswordForm(NewPasswordForm):
    old_password = _password("Current password", autocomplete="current-password")

    field_order = ["old_password", "new_password1", "new_password2"]


class AccountActionForm(GovukFormMixin, forms.Form):
    reason = ReasonField()

    def __init__(self, *args: Any, reason_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = reason_label
