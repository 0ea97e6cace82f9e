"""Staff forms for notifications, requirements, breaches, due items and tasks (GOV.UK style).

Forms turn what was typed into values and give GOV.UK messages for missing or
malformed input; the rules (what must be notified, how much notice, who may
approve) live in notifications.services, whose DomainErrors the views put back
next to the field they name (`SERVICE_FIELDS` maps a service's names to a form's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from notifications import rules
from notifications.models import BreachOutcome, PauseKind, Tailoring, TaskKind, TaskStatus
from register.forms import GovukFormMixin, ReasonField, date_widget, govuk_messages
from register.models import AddressKind


def time_widget() -> forms.TimeInput:
    return forms.TimeInput(
        attrs={"type": "time", "class": "govuk-input govuk-input--width-10"}, format="%H:%M"
    )


def _london(day: dt.date, time: dt.time) -> dt.datetime:
    """A date and a wall-clock time in London, as an aware datetime."""
    return dt.datetime.combine(day, time, tzinfo=rules.LONDON)


class _Form(GovukFormMixin, forms.Form):
    # Service field name -> this form's field name, for DomainErrors.
    SERVICE_FIELDS: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # A reason field says what to enter itself; the others get GOV.UK messages.
            if not isinstance(field, ReasonField):
                govuk_messages(field, str(field.label or name))

    def field_for(self, service_field: str | None) -> str | None:
        if service_field is None:
            return None
        name = self.SERVICE_FIELDS.get(service_field, service_field)
        return name if name in self.fields else None


class NotificationForm(_Form):
    """Record a notification the person made in person."""

    SERVICE_FIELDS = {
        "received_at": "received_on",
        "departs_at": "departs_on",
        # The new address is the first (only) change this form sends.
        "changes.0.kind": "address_kind",
        "changes.0.line_1": "address_line_1",
        "changes.0.line_2": "address_line_2",
        "changes.0.town": "address_town",
        "changes.0.postcode": "address_postcode",
        "changes.0.date_from": "address_from",
        "changes.0.non_field_errors": "address_line_1",
    }
    ADDRESS_FIELDS = ("address_line_1", "address_line_2", "address_town", "address_postcode")

    received_on = forms.DateField(label="Date received", widget=date_widget())
    received_time = forms.TimeField(
        label="Time received",
        widget=time_widget(),
        help_text="London time, like 14:30",
    )
    station = forms.CharField(
        label="Police station", max_length=200, help_text="Where the person notified"
    )
    identity_checked = forms.BooleanField(
        label="I have checked the person's identity",
        required=False,
        help_text="Fingerprints or photo ID, as your force's procedure sets out.",
    )
    items = forms.MultipleChoiceField(
        label="What was notified", widget=forms.CheckboxSelectMultiple
    )
    details = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was notified, in the person's words where possible.",
    )
    departs_on = forms.DateField(
        label="Departure date (foreign travel only)", required=False, widget=date_widget()
    )
    departs_time = forms.TimeField(
        label="Departure time (foreign travel only)",
        required=False,
        widget=time_widget(),
        help_text="London time, like 06:15",
    )
    late_reason = forms.CharField(
        label="Why notice was short or late (if it was)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Travel needs 7 days' notice, or at least 24 hours where 7 days was not "
        "reasonably practicable.",
    )
    address_kind = forms.ChoiceField(
        label="Kind of address",
        choices=[("", "Choose the kind of address"), *AddressKind.choices],
        required=False,
    )
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False
    )
    address_town = forms.CharField(label="Town or city", max_length=100, required=False)
    address_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    address_from = forms.DateField(label="Living there from", required=False, widget=date_widget())

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        now = timezone.localtime(timezone.now(), rules.LONDON)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("received_on", now.date())
        initial.setdefault("received_time", now.time().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.code, i.label) for i in items]  # type: ignore[attr-defined]
        self.fields["items"].error_messages["required"] = "Select what was notified"
        self.fields["received_on"].error_messages["invalid"] = "Date received must be a real date"
        self.fields["received_time"].error_messages.update(
            {
                "required": "Enter the time received",
                "invalid": "Time received must be a real time, like 14:30",
            }
        )
        self.fields["departs_time"].error_messages["invalid"] = (
            "Departure time must be a real time, like 06:15"
        )
        self.fields["departs_on"].error_messages["invalid"] = "Departure date must be a real date"
        self.fields["station"].error_messages["required"] = "Enter the police station"
        self.fields["details"].error_messages["required"] = "Enter what was notified"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("departs_on")
            and not data.get("departs_time")
            and "departs_time" not in self.errors
        ):
            self.add_error("departs_time", "Enter the departure time")
        if (
            data.get("departs_time")
            and not data.get("departs_on")
            and "departs_on" not in self.errors
        ):
            self.add_error("departs_on", "Enter the departure date")
        if any(data.get(name) for name in self.ADDRESS_FIELDS):
            for name, message in (
                ("address_kind", "Choose the kind of address"),
                ("address_line_1", "Enter the first line of the new address"),
                ("address_from", "Enter the date they live there from"),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        departs_at = (
            _london(data["departs_on"], data["departs_time"])
            if data.get("departs_on") and data.get("departs_time")
            else None
        )
        return {
            "received_at": _london(data["received_on"], data["received_time"]),
            "station": data["station"],
            "identity_checked": data["identity_checked"],
            "items": list(data["items"]),
            "details": data["details"],
            "departs_at": departs_at,
            "late_reason": data.get("late_reason", ""),
            "changes": self.address_change(),
        }

    def address_change(self) -> list[tuple[str, dict[str, Any]]]:
        data = self.cleaned_data
        if not data.get("address_line_1"):
            return []
        return [
            (
                "addresses",
                {
                    "kind": data["address_kind"],
                    "line_1": data["address_line_1"],
                    "line_2": data.get("address_line_2", ""),
                    "town": data.get("address_town", ""),
                    "postcode": data.get("address_postcode", ""),
                    "date_from": data["address_from"],
                    "date_to": None,
                },
            )
        ]


class VerifyNotificationForm(_Form):
    SERVICE_FIELDS = {"note": "verification_note"}

    verified_on = forms.DateField(label="Date checked", widget=date_widget())
    verification_note = forms.CharField(
        label="What was checked and how",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: visited the notified address and saw the person living there.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("verified_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["verification_note"].error_messages["required"] = (
            "Enter what was checked and how"
        )

    def service_data(self) -> dict[str, Any]:
        return {
            "verified_on": self.cleaned_data["verified_on"],
            "note": self.cleaned_data["verification_note"],
        }


class StartRequirementsForm(_Form):
    conviction: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Index conviction",
        queryset=None,
        required=False,
        empty_label="No conviction: the period is not worked out",
        help_text="The notification period is worked out from it with the rule table.",
    )

    def __init__(self, *args: Any, convictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conviction"].queryset = convictions  # type: ignore[attr-defined]


class TailorForm(_Form):
    """Add, drop or change one requirement for this person, with a reason and an approver."""

    item: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Requirement", queryset=None, empty_label="Choose a requirement"
    )
    tailoring = forms.ChoiceField(
        label="Change to make",
        widget=forms.RadioSelect,
        choices=[c for c in Tailoring.choices if c[0] != Tailoring.DEFAULT],
    )
    deadline_days = forms.IntegerField(
        label="Deadline in days (when changing the deadline)",
        required=False,
        min_value=1,
        max_value=365,
    )
    approved_by: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Approved by",
        queryset=None,
        empty_label="Choose a supervisor or MAPPA coordinator",
        help_text="A supervisor or MAPPA coordinator of your agency who agreed this change.",
    )
    reason = ReasonField(
        label="Why this person's requirements differ",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The typology or risk that makes the default set wrong for them. Kept in the "
        "record's history with your name.",
        error_messages={"required": "Enter why this person's requirements differ"},
    )

    def __init__(self, *args: Any, items: Any, approvers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["approved_by"].queryset = approvers  # type: ignore[attr-defined]
        self.fields["approved_by"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.get_full_name() or u.username} ({', '.join(u.role_labels)})"
        )
        self.fields["tailoring"].error_messages["required"] = "Select the change to make"
        self.fields["deadline_days"].error_messages.update(
            {
                "invalid": "Deadline in days must be a whole number",
                "min_value": "Deadline in days must be 1 or more",
                "max_value": "Deadline in days must be 365 or fewer",
            }
        )
        self.fields["approved_by"].error_messages["required"] = (
            "Select the supervisor or MAPPA coordinator who approved the change"
        )
        self.fields["reason"].error_messages["required"] = (
            "Enter why this person's requirements differ"
        )


class BreachForm(_Form):
    requirement: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Requirement breached", queryset=None, empty_label="Choose a requirement"
    )
    found_on = forms.DateField(label="Date found", widget=date_widget())
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What shows the person failed to notify, or gave false information.",
    )
    due_item: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Overdue item it relates to (optional)",
        queryset=None,
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, requirements: Any, due_items: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("found_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements  # type: ignore[attr-defined]
        self.fields["due_item"].queryset = due_items  # type: ignore[attr-defined]
        self.fields["found_on"].error_messages["invalid"] = "Date found must be a real date"
        self.fields["evidence"].error_messages["required"] = "Describe the evidence of the breach"


class BreachEscalateForm(_Form):
    urgent_meeting = forms.BooleanField(
        label="Request an urgent MAPP meeting",
        required=False,
        help_text="The MAPPA coordinators of the lead agency get a task to arrange it.",
    )
    reason = ReasonField(
        label="Why you are escalating",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you are escalating the breach"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you are escalating the breach"


class BreachCloseForm(_Form):
    outcome = forms.ChoiceField(
        label="Outcome", widget=forms.RadioSelect, choices=BreachOutcome.choices
    )
    outcome_on = forms.DateField(label="Date of the outcome", widget=date_widget())
    conviction: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Conviction on the register (for a conviction outcome)",
        queryset=None,
        required=False,
        empty_label="None",
    )
    reason = ReasonField(label="Why the breach is closed with this outcome")

    def __init__(self, *args: Any, convictions: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("outcome_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["conviction"].queryset = convictions  # type: ignore[attr-defined]
        self.fields["outcome"].error_messages["required"] = "Select the outcome"
        self.fields["outcome_on"].error_messages["invalid"] = (
            "Date of the outcome must be a real date"
        )
        self.fields["reason"].error_messages["required"] = "Enter why the breach is closed"


class WaiveForm(_Form):
    reason = ReasonField(
        label="Why is this waived?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept with the item and in its history with your name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why this is waived"


class TaskDoneForm(_Form):
    outcome = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Kept with the task and in its history with your name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = "Enter what was done"


class TaskFilterForm(_Form):
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any"), *TaskKind.choices])
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(TaskStatus.OPEN, "Open"), (TaskStatus.DONE, "Done")],
    )

    def cleaned_or_defaults(self) -> dict[str, str]:
        if self.is_valid():
            return {
                "kind": self.cleaned_data.get("kind") or "",
                "status": self.cleaned_data.get("status") or TaskStatus.OPEN,
            }
        return {"kind": "", "status": TaskStatus.OPEN}


class PauseForm(_Form):
    """Time in custody, in hospital or abroad (SOA 2003 s.83(6)): deadlines move over it."""

    kind = forms.ChoiceField(
        label="Where the person was, or will be",
        choices=[("", "Choose one"), *PauseKind.choices],
        error_messages={"required": "Select custody, hospital or abroad"},
    )
    starts_on = forms.DateField(label="First day", widget=date_widget())
    ends_on = forms.DateField(
        label="Last day",
        widget=date_widget(),
        help_text="Expected, if not yet known; change it when it moves.",
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = ReasonField(
        label="How this is known",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how this is known"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].error_messages["required"] = "Enter the first day"
        self.fields["starts_on"].error_messages["invalid"] = "First day must be a real date"
        self.fields["ends_on"].error_messages["required"] = "Enter the last day"
        self.fields["ends_on"].error_messages["invalid"] = "Last day must be a real date"
        self.fields["reason"].error_messages["required"] = "Enter how this is known"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The last day cannot be before the first")
        return data


class IndefiniteReviewForm(_Form):
    """A decision on a review of indefinite notification requirements (SOA 2003 s.91A-F)."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("continue", "The requirements continue (next review in 8 years)"),
            ("discharge", "Discharged from the requirements"),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label="Date of the decision", widget=date_widget())
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What the review considered and why it decided this. Kept with your name.",
    )
