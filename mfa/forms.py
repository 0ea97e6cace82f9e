from __future__ import annotations

from django import forms

from register.forms import GovukFormMixin, ReasonField


class CodeForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now",
        max_length=16,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows")
        return token


class RecoveryCodeForm(GovukFormMixin, forms.Form):
    token = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you were given when you set up your second factor",
        max_length=32,
        error_messages={"required": "Enter one of your recovery codes"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()


class ConfirmForm(GovukFormMixin, forms.Form):
    """A button and nothing else: the page says what pressing it does."""


class ResetForm(GovukFormMixin, forms.Form):
    reason = ReasonField(
        label="Why are you resetting their second factor?",
        help_text="For example, a lost or replaced phone. Kept with your name.",
    )
