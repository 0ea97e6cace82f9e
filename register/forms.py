"""Staff-facing forms, rendered in the GOV.UK design system.

Forms convert what was typed into values and give GOV.UK-style messages for
missing or malformed input. The rules of the domain (identifier formats,
date order, who may be registered) live in the services: a view passes the
cleaned values to a service and puts any DomainError back next to its field.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from register import services
from register.models import (
    Agency,
    AggressorFinding,
    CriteriaSet,
    Decision,
    Misidentification,
    Nominal,
    RegistrationStatus,
    ReviewKind,
    ReviewOutcome,
    RiskLevel,
    Role,
)

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

# Narrower inputs for short values (GOV.UK: the width of a field hints at what it takes).
_WIDTHS = {
    "postcode": "govuk-input--width-10",
    "last_four": "govuk-input--width-4",
    "registration": "govuk-input--width-10",
    "ni_number": "govuk-input--width-10",
    "pnc_id": "govuk-input--width-10",
    "crime_reference": "govuk-input--width-20",
    "fingerprint_ref": "govuk-input--width-20",
    "dna_ref": "govuk-input--width-20",
}


def date_widget() -> forms.DateInput:
    """A date box the browser can help with; the value is always ISO so it round-trips."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GovukFormMixin:
    """Give each widget its GOV.UK class, and the error variant when its field is in error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            css = _WIDGET_CLASSES.get(type(field.widget))
            if css:
                if name in _WIDTHS and css == "govuk-input":
                    css = f"{css} {_WIDTHS[name]}"
                field.widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                css = widget.attrs.get("class", "")
                base = css.split(" ")[0] if css else ""
                error_css = f"{base}--error"
                if base in {"govuk-input", "govuk-select", "govuk-textarea"} and (
                    error_css not in css
                ):
                    widget.attrs["class"] = f"{css} {error_css}"
                # aria-describedby (hint and error) is Django's own: "<id>_helptext <id>_error".


def _what(label: str) -> str:
    """'Given names' -> 'given names', but 'PNC ID' and 'DNA reference' keep their capitals."""
    if label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def govuk_messages(field: forms.Field, label: str) -> None:
    """GOV.UK error messages that say what to do, in place of Django's generic ones."""
    what = _what(label)
    if isinstance(field, forms.MultipleChoiceField):
        field.error_messages["required"] = f"Select at least one {what}"
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField):
        field.error_messages["required"] = f"Select the {what}"
    else:
        field.error_messages["required"] = f"Enter the {what}"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        field.error_messages["invalid_choice"] = f"Select one of the options for the {what}"
    if isinstance(field, forms.DateField):
        field.error_messages["invalid"] = f"{capfirst(label)} must be a real date"
    if isinstance(field, forms.IntegerField):
        field.error_messages["invalid"] = f"{capfirst(label)} must be a whole number"
        field.error_messages["min_value"] = f"{capfirst(label)} must be %(limit_value)s or more"
    if isinstance(field, forms.CharField):
        field.error_messages["max_length"] = (
            f"{capfirst(label)} must be %(limit_value)d characters or fewer"
        )


class ReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Reason for this change")
        kwargs.setdefault("help_text", "Kept in the record's history with your name.")
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("error_messages", {"required": "Enter the reason for this change"})
        super().__init__(**kwargs)


class DateListField(forms.CharField):
    """Several dates in one box, separated by commas or new lines."""

    _SPLIT = re.compile(r"[,;\n]+")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", "Separate dates with commas, like 31/01/1980, 13/01/1980 or 1980-01-13"
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(d.strftime("%d/%m/%Y") if hasattr(d, "strftime") else d for d in value)
        return value

    def to_python(self, value: Any) -> list[dt.date]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        parser = forms.DateField()
        dates: list[dt.date] = []
        for part in self._SPLIT.split(text or ""):
            part = part.strip()
            if not part:
                continue
            try:
                dates.append(parser.clean(part))
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"'{part}' is not a real date: enter dates like 31/01/1980",
                    code="invalid",
                ) from None
        return dates


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is disabled. Ask your agency's administrator.",
    }


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
        # The national auditor role is given by a command only (register.services.staff).
        choices=[(v, label) for v, label in Role.choices if v != Role.NATIONAL_AUDITOR],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        strip=False,
        help_text=(
            "At least 12 characters, not a common password. Leave blank to e-mail them an "
            "invitation to set their own."
        ),
    )
    reason = ReasonField()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"]
            del self.fields["password"]


class DeactivateForm(GovukFormMixin, forms.Form):
    reason = ReasonField(label="Why are you changing this account?")


# Nominals -----------------------------------------------------------------------------


class NominalForm(GovukFormMixin, forms.Form):
    """Add a person. Likely duplicates are shown first; going on needs an explicit confirmation."""

    given_names = forms.CharField(
        max_length=200, error_messages={"required": "Enter the given names"}
    )
    family_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the family name"}
    )
    date_of_birth = forms.DateField(
        required=False,
        widget=date_widget(),
        error_messages={"invalid": "Date of birth must be a real date"},
    )
    ni_number = forms.CharField(
        label="National Insurance number (optional)",
        required=False,
        max_length=13,
        help_text="Like QQ 12 34 56 C",
    )
    pnc_id = forms.CharField(
        label="PNC ID (optional)", required=False, max_length=16, help_text="Like 2004/0123456B"
    )
    reason = ReasonField(label="Why are you adding this person?")
    confirm_different = forms.BooleanField(
        required=False, label="This is a different person from the records listed above"
    )
    # The ids of the possible duplicates the user was shown, so a confirmation covers only them.
    duplicates_shown = forms.CharField(required=False, widget=forms.HiddenInput)

    CONFIRM_FIELDS = ("confirm_different", "duplicates_shown")

    def record_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.CONFIRM_FIELDS}


class NominalFilterForm(GovukFormMixin, forms.Form):
    officer = forms.TypedChoiceField(
        label="Responsible officer", required=False, coerce=int, empty_value=None
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    risk_level = forms.ChoiceField(
        label="Current risk level", required=False, choices=[("", "Any"), *RiskLevel.choices]
    )
    registration_status = forms.ChoiceField(
        label="Registration status",
        required=False,
        choices=[("", "Any"), *RegistrationStatus.choices],
    )

    def __init__(self, *args: Any, officers: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [  # type: ignore[attr-defined]
            ("", "Any"),
            *((o.pk, o.get_full_name() or o.username) for o in officers),
        ]
        self.fields["team"].choices = [("", "Any"), *((t.pk, t.name) for t in teams)]  # type: ignore[attr-defined]
        for field in self.fields.values():
            govuk_messages(field, str(field.label or ""))


class PriorityFilterForm(GovukFormMixin, forms.Form):
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [  # type: ignore[attr-defined]
            ("", "Whole agency"),
            *((t.pk, t.name) for t in teams),
        ]
        govuk_messages(self.fields["team"], "team")


class SearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Search for a person",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=(
            "Enter a name (any name they have used, including aliases and online names), a date "
            "of birth like 31/01/1980, a National Insurance number, a PNC ID, a vehicle "
            "registration or a phone number. You can combine them, like John Smith 31/01/1980."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk_messages(self.fields["q"], "search")
        self.fields["q"].widget.attrs["class"] += " govuk-!-width-two-thirds"


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


class MergeChooseForm(GovukFormMixin, forms.Form):
    duplicate = forms.UUIDField(
        label="Register ID of the duplicate record",
        help_text="Shown on the record's page, like 3f2b8c1e-5a43-4d1b-9d7e-2b8f3b7a9c10",
        error_messages={
            "required": "Enter the register ID of the duplicate record",
            "invalid": "Enter a register ID in the correct format, like 3f2b8c1e-5a43-4d1b-9d7e-2b8f3b7a9c10",
        },
    )


class MergeConfirmForm(GovukFormMixin, forms.Form):
    duplicate = forms.UUIDField(widget=forms.HiddenInput)
    reason = ReasonField(label="Why are these the same person?")


class RemoveForm(GovukFormMixin, forms.Form):
    reason = ReasonField(
        label="Why are you removing this?",
        error_messages={"required": "Enter the reason for removing this"},
    )


class MisidentificationForm(GovukFormMixin, forms.Form):
    """Raise the possible misidentified victim flag, saying why (services.nominal_flag_...)."""

    misidentification = forms.ChoiceField(
        label="Why this person may be a misidentified victim",
        choices=Misidentification.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why this person may be a misidentified victim"},
    )
    raised_on = forms.DateField(
        label="Date it came to light (optional)",
        required=False,
        widget=date_widget(),
        help_text="Leave blank for today.",
        error_messages={"invalid": "Date it came to light must be a real date"},
    )
    reason = forms.CharField(
        label="What was found",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example: both arrested; she has defensive injuries. Kept with the flag.",
        error_messages={"required": "Enter why this person may be a misidentified victim"},
    )


class PrimaryAggressorReviewForm(GovukFormMixin, forms.Form):
    """A supervisor's review of a flagged person (services.primary_aggressor_review_record)."""

    outcome = forms.ChoiceField(
        label="What the review found",
        choices=AggressorFinding.choices,
        widget=forms.RadioSelect,
        help_text="Only “Primary aggressor” lifts the block on registration.",
        error_messages={"required": "Choose what the review found"},
    )
    reviewed_on = forms.DateField(
        label="Date of the review",
        widget=date_widget(),
        error_messages={
            "required": "Enter the date of the review",
            "invalid": "Date of the review must be a real date",
        },
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What the review considered (history, injuries, fear, who controls whom) and "
        "why it found this.",
        error_messages={"required": "Enter the rationale: what the review considered and why"},
    )


# Registration ---------------------------------------------------------------------------


class RegistrationDecideForm(GovukFormMixin, forms.Form):
    criteria_set = forms.ModelChoiceField(
        label="Criteria set the decision rests on",
        queryset=CriteriaSet.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the criteria set"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to register this person"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why you decided this. It is kept with the eligibility explanation.",
        error_messages={"required": "Enter the rationale for the decision"},
    )
    decided_on = forms.DateField(
        label="Date of the decision",
        widget=date_widget(),
        error_messages={
            "required": "Enter the date of the decision",
            "invalid": "Date of the decision must be a real date",
        },
    )
    starts_on = forms.DateField(
        label="Registration starts on",
        required=False,
        widget=date_widget(),
        help_text="Needed when you register the person.",
        error_messages={"invalid": "Registration start date must be a real date"},
    )
    review_on = forms.DateField(
        label="Review date",
        required=False,
        widget=date_widget(),
        help_text="Needed when you register the person: nothing is kept without a review date.",
        error_messages={"invalid": "Review date must be a real date"},
    )

    def __init__(self, *args: Any, criteria_sets: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = criteria_sets  # type: ignore[attr-defined]


class ServeNoticeForm(GovukFormMixin, forms.Form):
    served_on = forms.DateField(
        label="Date the notice was served",
        widget=date_widget(),
        error_messages={
            "required": "Enter the date the notice was served",
            "invalid": "Date the notice was served must be a real date",
        },
    )
    reason = ReasonField(
        label="How was it served?",
        help_text="For example: handed to them at a home visit. Kept in the record's history.",
        error_messages={"required": "Enter how the notice was served"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("served_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class EndRegistrationForm(GovukFormMixin, forms.Form):
    ended_on = forms.DateField(
        label="Date registration ends",
        widget=date_widget(),
        error_messages={
            "required": "Enter the date registration ends",
            "invalid": "Date registration ends must be a real date",
        },
    )
    end_reason = forms.CharField(
        label="Why does the registration end?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the registration ends"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("ended_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReviewRequestForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What are they asking for?",
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select review or appeal"},
    )
    requested_on = forms.DateField(
        label="Date of the request",
        widget=date_widget(),
        error_messages={
            "required": "Enter the date of the request",
            "invalid": "Date of the request must be a real date",
        },
    )
    requested_by = forms.CharField(
        label="Who asked?",
        max_length=200,
        help_text="The person, or their representative and who they act for.",
        error_messages={"required": "Enter who asked for the review or appeal"},
    )
    grounds = forms.CharField(
        label="Grounds",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the grounds for the review or appeal"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("requested_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReviewDecideForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[c for c in ReviewOutcome.choices if c[0] != ReviewOutcome.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_reason = forms.CharField(
        label="Reason for the outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reason for the outcome"},
    )
    decided_on = forms.DateField(
        label="Date of the decision",
        widget=date_widget(),
        error_messages={
            "required": "Enter the date of the decision",
            "invalid": "Date of the decision must be a real date",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)


# Audit --------------------------------------------------------------------------------


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


# Model forms: the nominal's own fields and every kind of detail -------------------------

# Labels clearer than the models' field names; the same name means the same thing everywhere.
LABELS = {
    # the nominal
    "other_dates_of_birth": "Other dates of birth used",
    "height_cm": "Height in centimetres",
    "typologies": "Typology (kind of abuse)",
    "modus_operandi": "Modus operandi",
    "no_fixed_abode": "No fixed abode",
    "responsible_officer": "Responsible officer",
    "possible_misidentified_victim": "Possible misidentified victim",
    "vulnerability_notes": "Notes on vulnerabilities",
    "perpetrator_programmes": "Perpetrator programmes and outcomes",
    # details
    "kind": "Type",
    "given_names": "Given names",
    "family_name": "Family name",
    "platform": "Site or app",
    "used_from": "Used from",
    "used_to": "Used until",
    "line_1": "Address line 1",
    "line_2": "Address line 2",
    "town": "Town or city",
    "date_from": "Start date",
    "date_to": "End date",
    "verified_on": "Last verified on",
    "value": "Phone number or email address",
    "registration": "Registration number",
    "description": "Description",
    "provider": "Bank or card provider",
    "last_four": "Last 4 digits",
    "joint": "Held jointly with someone else",
    "opened_on": "Opened on",
    "closed_on": "Closed on",
    "number": "Document number",
    "issuing_country": "Issuing country",
    "expires_on": "Expiry date",
    "relationship": "Relationship",
    "name": "Full name",
    "lives_with": "Lives in the same household",
    "offence": "Offence",
    "offence_date": "Date of the offence",
    "conviction_date": "Date of conviction, caution or finding",
    "disposal": "Disposal",
    "sentence_type": "Sentence",
    "sentence_date": "Date of sentence",
    "sentence_amount": "Sentence length",
    "sentence_unit": "Unit of the sentence length",
    "consecutive_to": "Runs consecutively to",
    "associated_form": "Convicted of",
    "victim_age": "Victim's age at the offence",
    "licence_start": "Licence start date",
    "licence_end": "Licence end date",
    "is_domestic_abuse": "Domestic abuse (DA flag)",
    "da_flag_source": "Source of the DA flag",
    "spent_on": "Date it becomes spent",
    "gravity": "Gravity (crime-harm weight)",
    "occurred_on": "Date it happened",
    "crime_reference": "Crime reference",
    "victim_reference": "Victim reference",
    "victim_relationship": "Victim's relationship to this person",
    "threatened_only": "Threatened only (abuse threatened, not carried out)",
    "interim": "Interim order",
    "made_on": "Date made",
    "made_by": "Made by",
    "starts_on": "Start date",
    "ends_on": "End date",
    "text": "Condition",
    "reported_by": "Reported by",
    "outcome": "Outcome",
    "outcome_on": "Outcome date",
    "conviction": "Resulting conviction",
    "tool": "Assessment tool",
    "assessed_on": "Date assessed",
    "assessor": "Assessor",
    "assessor_name": "Assessor's name",
    "level": "Risk level",
    "risk_to": "Risk to",
    "next_review_on": "Next review date",
    "summary": "Summary",
    "notes": "Notes",
    "order": "Civil order",
}

# The empty choice of an optional select, where "not recorded" would mislead.
BLANK_LABELS = {
    "possible_misidentified_victim": "Not flagged",
    "da_flag_source": "Not DA flagged",
    "current_risk_level": "Not assessed",
    "responsible_officer": "Nobody yet",
    "assessor": "Not a user of the register",
    "conviction": "None",
    "consecutive_to": "Not consecutive to another sentence",
    "sentence_unit": "No length recorded",
}


# Hints for fields whose models give none.
HINTS = {
    "ni_number": "Like QQ 12 34 56 C",
    "pnc_id": "Like 2004/0123456B",
    "registration": "Like AB51 ABC",
    "last_four": "Only the last 4 digits are kept, like 4821",
    "value": "Like 07700 900 982 or name@example.com",
}

# Identifiers people type with spaces, and the longest way they write them.
_TYPED_WITH_SPACES = {"ni_number": 13, "pnc_id": 20, "registration": 16}


def label_for(name: str, db_field: models.Field[Any, Any] | None = None) -> str:
    if name in LABELS:
        return LABELS[name]
    return capfirst(str(db_field.verbose_name)) if db_field is not None else capfirst(name)


def _formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """GOV.UK-friendly form fields for the model fields staff edit."""
    label = label_for(db_field.name, db_field)
    help_text = str(db_field.help_text or "")
    if help_text.rstrip(".").lower() == label.lower():
        help_text = ""  # a hint that repeats the label only adds noise
    help_text = help_text or HINTS.get(db_field.name, "")
    if isinstance(db_field, ArrayField):
        base = db_field.base_field
        if base.choices:
            return forms.MultipleChoiceField(
                label=label,
                choices=base.choices,
                required=not db_field.blank,
                widget=forms.CheckboxSelectMultiple,
                help_text=help_text,
            )
        if isinstance(base, models.DateField):
            return DateListField(label=label, required=not db_field.blank)
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs["widget"] = date_widget()
    if isinstance(db_field, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
    if db_field.name in _TYPED_WITH_SPACES:
        # Stored without spaces, typed with them ("QQ 12 34 56 C"): the service normalises.
        kwargs["max_length"] = _TYPED_WITH_SPACES[db_field.name]
    kwargs["label"] = label
    kwargs["help_text"] = help_text
    return db_field.formfield(**kwargs)


class ModelDataForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A model form that only parses: the service validates the model and saves it.

    The service's DomainError names the field each message belongs to (including
    database constraints such as dates in order), and the view puts it there.
    Validating the instance here as well would check the same rules twice.
    """

    reason = ReasonField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label or name)
            optional = not field.required and not isinstance(
                field, forms.BooleanField | forms.MultipleChoiceField
            )
            if optional and name != "reason" and not label.endswith("(optional)"):
                field.label = f"{label} (optional)"
            govuk_messages(field, label)
            self._label_blank_choice(name, field)

    @staticmethod
    def _label_blank_choice(name: str, field: forms.Field) -> None:
        blank = BLANK_LABELS.get(name, "Choose one" if field.required else "Not recorded")
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = blank
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            choices = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0][0] == "":
                field.choices = [("", blank), *choices[1:]]

    def _post_clean(self) -> None:
        """Skip model validation (see the class docstring)."""

    def service_data(self) -> dict[str, Any]:
        """What to pass to the service: the model's fields, without the reason or the parent."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in self._meta.fields  # type: ignore[operator]
        }


class NominalEditFormBase(ModelDataForm):
    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_officer"].queryset = officers  # type: ignore[attr-defined]
        self.fields["responsible_officer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: o.get_full_name() or o.username
        )


NominalEditForm: type[NominalEditFormBase] = forms.modelform_factory(  # type: ignore[assignment]
    Nominal,
    form=NominalEditFormBase,
    fields=list(services.NOMINAL_FIELDS),
    formfield_callback=_formfield,  # type: ignore[arg-type]
)


class DetailFormBase(ModelDataForm):
    """One kind of detail (see services.DETAIL_KINDS), with choices limited to this person."""

    def __init__(
        self,
        *args: Any,
        orders: Any = None,
        convictions: Any = None,
        assessors: Any = None,
        offences: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if "offence" in self.fields and offences is not None:
            self.fields["offence"].queryset = offences  # type: ignore[attr-defined]
        for name in ("conviction", "consecutive_to"):
            if name in self.fields:
                self.fields[name].queryset = convictions  # type: ignore[attr-defined]
        if "compliance_officer" in self.fields:  # an order's positive requirement
            self.fields["compliance_officer"].queryset = assessors  # type: ignore[attr-defined]
        if "assessor" in self.fields:
            self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]
            self.fields["assessor"].label_from_instance = (  # type: ignore[attr-defined]
                lambda o: o.get_full_name() or o.username
            )
        if orders is not None:
            order = forms.ModelChoiceField(
                queryset=orders,
                label=LABELS["order"],
                empty_label="Choose one",
                error_messages={
                    "required": "Select the civil order",
                    "invalid_choice": "Select one of this person's civil orders",
                },
            )
            order.widget.attrs["class"] = "govuk-select"
            self.fields = {"order": order, **self.fields}


@cache
def detail_form_class(kind: str) -> type[DetailFormBase]:
    spec = services.detail_kind(kind)
    return forms.modelform_factory(  # type: ignore[return-value]
        spec.model,
        form=DetailFormBase,
        fields=list(spec.fields),
        formfield_callback=_formfield,  # type: ignore[arg-type]
    )
