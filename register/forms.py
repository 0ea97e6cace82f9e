"""Staff-facing forms, rendered in the GOV.UK design system."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from register.models import Agency, Role

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
    forms.DateInput: "govuk-input govuk-input--width-10",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovukFormMixin:
    """Give each widget its GOV.UK class, and the error variant when its field is in error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            css = _WIDGET_CLASSES.get(type(field.widget))
            if css:
                field.widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                css = widget.attrs.get("class", "")
                base = css.split(" ")[0] if css else ""
                if base in {"govuk-input", "govuk-select", "govuk-textarea"}:
                    widget.attrs["class"] = f"{css} {base}--error"
                widget.attrs["aria-describedby"] = f"id_{name}-error"


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is disabled. Ask your agency's administrator.",
    }


class ReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Reason for this change")
        kwargs.setdefault("help_text", "Kept in the record's history with your name.")
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("error_messages", {"required": "Enter the reason for this change"})
        super().__init__(**kwargs)


class StaffUserForm(GovukFormMixin, forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and . _ - only.",
        error_messages={"required": "Enter a username"},
    )
    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter a last name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        strip=False,
        help_text="At least 12 characters, not a common password. Leave blank to set it later.",
    )
    reason = ReasonField()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"]
            del self.fields["password"]


class DeactivateForm(GovukFormMixin, forms.Form):
    reason = ReasonField(label="Why are you changing this account?")


class NominalForm(GovukFormMixin, forms.Form):
    given_names = forms.CharField(
        max_length=200, error_messages={"required": "Enter the given names"}
    )
    family_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the family name"}
    )
    date_of_birth = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Date of birth must be a real date"},
    )
    reason = ReasonField(label="Why are you adding this person?")


class ShareForm(GovukFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Select the agency to share with"},
    )
    reason = ReasonField(label="Why does this agency need the record?")

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class AccessLogSearchForm(GovukFormMixin, forms.Form):
    username = forms.CharField(required=False, max_length=150)
    record_id = forms.CharField(required=False, max_length=64, label="Record ID")
    date_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="From",
        error_messages={"invalid": "'From' must be a real date"},
    )
    date_to = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="To",
        error_messages={"invalid": "'To' must be a real date"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "'To' must be the same as or after 'From'")
        return data
