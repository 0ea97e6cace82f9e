"""Staff forms of the victims app (GOV.UK style). Field names are the services' own, so a
DomainError lands next to the field it names. The rules live in victims.services."""

from __future__ import annotations

from typing import Any

from django import forms

from register.forms import GovukFormMixin, ReasonField, date_widget, govuk_messages
from register.models import Misidentification, Sex
from victims.models import (
    ConditionRequested,
    ContactChannel,
    ContactLevel,
    DisclosureDecision,
    DisclosureOutcome,
    DisclosureRisk,
    DisclosureRoute,
    OfferAnswer,
    Relationship,
    RepresentationOutcome,
    SafetyFlag,
    SharedInformation,
)


def _choices(choices: Any, prompt: str) -> list[tuple[str, str]]:
    return [("", prompt), *choices]


class _Form(GovukFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, ReasonField):
                govuk_messages(field, str(field.label or name))


def _date(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=date_widget(), help_text=help_text
    )


def _text(label: str, required: bool = True, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class LinkFieldsMixin(forms.Form):
    relationship = forms.ChoiceField(
        label="Relationship", choices=_choices(Relationship.choices, "Choose the relationship")
    )
    convictions: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Offences concerned",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    civil_orders: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Civil orders concerned",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safety_flags = forms.MultipleChoiceField(
        label="Safety flags",
        choices=SafetyFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What offender-side staff need to know. Never where the victim lives.",
    )
    safety_notes = forms.CharField(
        label="Safety notes (optional)",
        max_length=300,
        required=False,
        help_text="Short, seen by offender-side staff. Do not enter an address or area.",
    )

    def set_nominal_choices(self, convictions: Any, civil_orders: Any) -> None:
        self.fields["convictions"].queryset = convictions  # type: ignore[attr-defined]
        self.fields["civil_orders"].queryset = civil_orders  # type: ignore[attr-defined]


class VictimCreateForm(LinkFieldsMixin, _Form):
    given_names = forms.CharField(label="Given names", max_length=200, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = _date("Date of birth (optional)", required=False)
    age = forms.IntegerField(
        label="Age (if the date of birth is not known)", required=False, min_value=0
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.NOT_KNOWN)
    children_count = forms.IntegerField(label="Number of children", min_value=0, initial=0)
    children_notes = _text("About the children (optional)", required=False)
    reason = ReasonField()

    field_order = [
        "given_names",
        "family_name",
        "date_of_birth",
        "age",
        "sex",
        "children_count",
        "children_notes",
        "relationship",
        "convictions",
        "civil_orders",
        "safety_flags",
        "safety_notes",
        "reason",
    ]

    def __init__(self, *args: Any, convictions: Any, civil_orders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_nominal_choices(convictions, civil_orders)


class VictimLinkForm(LinkFieldsMixin, _Form):
    victim: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Victim", queryset=None, empty_label="Choose the victim"
    )
    reason = ReasonField()

    field_order = ["victim", "relationship", "convictions", "civil_orders", "safety_flags"]

    def __init__(
        self, *args: Any, victims: Any, convictions: Any, civil_orders: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["victim"].queryset = victims  # type: ignore[attr-defined]
        self.set_nominal_choices(convictions, civil_orders)


class ContactDetailsForm(_Form):
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False
    )
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False)
    safe_contact_times = forms.CharField(
        label="Safe times to make contact", max_length=300, required=False
    )
    safe_words = forms.CharField(label="Safe words", max_length=200, required=False)
    reason = ReasonField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )


class AllocateForm(_Form):
    vlo: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Victim liaison officer", queryset=None, required=False, empty_label="Not allocated"
    )
    reason = ReasonField()

    def __init__(self, *args: Any, vlos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vlo"].queryset = vlos  # type: ignore[attr-defined]


class OfferForm(_Form):
    offer_made_on = _date("Date the offer was made")
    offer_answer = forms.ChoiceField(
        label="The victim's answer",
        choices=_choices(OfferAnswer.choices, "No answer yet"),
        required=False,
    )
    answer_on = _date("Date of the answer", required=False)
    contact_level = forms.ChoiceField(
        label="Contact level (if opted in)",
        choices=_choices(ContactLevel.choices, "Choose the contact level"),
        required=False,
    )
    reason = ReasonField()


class ContactForm(_Form):
    contact_on = _date("Date of contact")
    channel = forms.ChoiceField(
        label="How", choices=_choices(ContactChannel.choices, "Choose how the contact was made")
    )
    shared = forms.MultipleChoiceField(
        label="What was shared",
        choices=SharedInformation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = _text("Notes", rows=5)
    next_contact_on = _date("Next contact planned (optional)", required=False)


def _link_label(link: Any) -> str:
    return f"{link.nominal} ({link.get_relationship_display()})"


class RepresentationForm(_Form):
    link: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="About", queryset=None, empty_label="Choose the person the condition is for"
    )
    condition = forms.ChoiceField(
        label="Licence condition asked for",
        choices=_choices(ConditionRequested.choices, "Choose the condition"),
    )
    requested = _text("What the victim asked for")
    made_on = _date("Date made")

    def __init__(self, *args: Any, links: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["link"]
        field.queryset = links  # type: ignore[attr-defined]
        field.label_from_instance = _link_label  # type: ignore[attr-defined]


class RepresentationOutcomeForm(_Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=_choices(
            [c for c in RepresentationOutcome.choices if c[0] != "pending"], "Choose the outcome"
        ),
    )
    outcome_on = _date("Date of the outcome")
    outcome_notes = _text("What was decided and by whom")


class GrantForm(_Form):
    grantee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Member of staff", queryset=None, empty_label="Choose who to grant access to"
    )
    reason = ReasonField(label="Why they need the victim's details")

    def __init__(self, *args: Any, grantees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grantee"]
        field.queryset = grantees  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u} ({u.agency.name})"  # type: ignore[attr-defined]


class RevokeForm(_Form):
    reason = ReasonField(label="Why the access ends")


class MisidentifiedForm(_Form):
    victim: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Victim", queryset=None, empty_label="Choose the victim"
    )
    misidentification = forms.ChoiceField(
        label="Why this person may be a misidentified victim",
        choices=_choices(Misidentification.choices, "Choose the reason"),
    )
    reason = ReasonField()

    def __init__(self, *args: Any, victims: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["victim"].queryset = victims  # type: ignore[attr-defined]


# Disclosure scheme ---------------------------------------------------------------------------


class DisclosureCreateForm(_Form):
    route = forms.ChoiceField(
        label="Route", choices=DisclosureRoute.choices, widget=forms.RadioSelect
    )
    subject: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Subject (the person on the register)",
        queryset=None,
        empty_label="Choose the person",
        help_text="Add the person to the register first if they are not on it.",
    )
    received_on = _date("Date received or concern raised")
    applicant_name = forms.CharField(label="Applicant's name", max_length=200)
    applicant_relationship = forms.CharField(
        label="Applicant's relationship to the subject", max_length=200
    )
    applicant_is_person_at_risk = forms.BooleanField(
        label="The applicant is the person at risk", required=False, initial=True
    )
    person_at_risk_name = forms.CharField(
        label="Person at risk (if not the applicant)", max_length=200, required=False
    )
    applicant_contact = forms.CharField(
        label="How to contact the applicant safely (optional)", max_length=300, required=False
    )
    case_officer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Case officer", queryset=None, empty_label="Choose the case officer"
    )

    def __init__(self, *args: Any, subjects: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects  # type: ignore[attr-defined]
        self.fields["case_officer"].queryset = officers  # type: ignore[attr-defined]


class DisclosureChecksForm(_Form):
    initial_checks_on = _date("Date of the initial checks")
    checks_notes = _text("Checks done and what they found", rows=5)
    face_to_face_on = _date("Date of the face-to-face meeting (optional)", required=False)
    risk_level = forms.ChoiceField(
        label="Risk level", choices=_choices(DisclosureRisk.choices, "Choose the risk level")
    )


class DisclosureDecisionForm(_Form):
    decision = forms.ChoiceField(
        label="Decision", choices=DisclosureDecision.choices, widget=forms.RadioSelect
    )
    decision_on = _date("Date of the decision")
    decision_reasons = _text("Reasons", rows=5)
    decision_agencies = forms.CharField(label="Agencies that took the decision", max_length=300)


class DisclosureCompleteForm(_Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=DisclosureOutcome.choices, widget=forms.RadioSelect
    )
    outcome_on = _date("Date")
    disclosed_to = forms.CharField(
        label="Who was told (if disclosed)", max_length=200, required=False
    )
    in_person = forms.BooleanField(label="Told in person", required=False)
    what_was_said = _text("What was said (if disclosed)", required=False)
    declined_reason = _text("Why no disclosure was made (if declined)", required=False)
    safety_plan = _text("Safety plan", rows=5)
    marac_referred_on = _date("Referred to MARAC on (required at high risk)", required=False)
    idva_referred_on = _date("Referred to an IDVA on (required at high risk)", required=False)
