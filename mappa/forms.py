"""Staff forms for MAPPA (GOV.UK style). The rules live in mappa.services; the views put
their DomainErrors next to the field they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from mappa import rules
from mappa.models import (
    ActionStatus,
    ArchiveDecision,
    Category,
    ConsiderationOutcome,
    Level,
    PlanKind,
    TerminationReason,
)
from notifications import rules as due_rules
from register.forms import GovukFormMixin, ReasonField, date_widget, govuk_messages


class _Form(GovukFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, ReasonField):
                govuk_messages(field, str(field.label or name))
            required = getattr(field, "required_message", "")
            if required:
                field.error_messages["required"] = required


def _choices(prompt: str, choices: Any) -> list[tuple[Any, str]]:
    return [("", prompt), *[(value, str(label)) for value, label in choices]]


class _StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class _CaseChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nominal} (Category {obj.category}, Level {obj.level})"


def _staff_field(label: str, queryset: Any, help_text: str = "") -> forms.ModelChoiceField[Any]:
    field = _StaffChoice(
        queryset=queryset,
        label=label,
        empty_label=f"Choose the {label.lower()}",
        help_text=help_text,
    )
    govuk_messages(field, label)
    return field


def _text(label: str, rows: int = 4, required: bool = True, help_text: str = "") -> forms.CharField:
    field = forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )
    if label.startswith(("What ", "Why ")):
        # "Enter what was done", not "Enter the what was done".
        field.required_message = f"Enter {label[0].lower()}{label[1:]}"  # type: ignore[attr-defined]
    return field


class ReferralForm(_Form):
    reason = _text("Why you are referring this person", 6)
    proposed_category = forms.TypedChoiceField(
        label="Proposed category",
        coerce=int,
        choices=_choices("Choose a category", Category.choices),
    )
    proposed_level = forms.TypedChoiceField(
        label="Proposed level", coerce=int, choices=_choices("Choose a level", Level.choices)
    )
    attachments = forms.CharField(
        label="Documents sent with the referral (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: the document's reference or file name.",
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["attachments"] = [a for a in data["attachments"].splitlines() if a.strip()]
        return data


class CaseOpenForm(_Form):
    category = forms.TypedChoiceField(
        label="Category",
        coerce=int,
        choices=_choices("Choose a category", [c for c in Category.choices if c[0] != 3]),
        help_text="Category 3 cases are opened by a MAPPA coordinator accepting a referral.",
    )
    level = forms.TypedChoiceField(
        label="Level", coerce=int, choices=_choices("Choose a level", Level.choices)
    )
    start_date = forms.DateField(label="Start date", widget=date_widget())
    ends_on = forms.DateField(
        label="End of the notification period, licence or order (optional)",
        required=False,
        widget=date_widget(),
    )
    visor_reference = forms.CharField(
        label="ViSOR reference (optional)", max_length=40, required=False
    )
    reason = ReasonField()

    def __init__(self, *args: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_manager"] = _staff_field("Responsible manager", managers)
        self.order_fields(["category", "level", "responsible_manager"])


class DecideForm(_Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept: open a MAPPA case"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )
    reason = _text(
        "Reasons for the decision", 4, help_text="Rejected referrals are kept and reported."
    )
    category = forms.TypedChoiceField(
        label="Category (if accepted)",
        coerce=int,
        required=False,
        empty_value=None,
        choices=_choices("As proposed", Category.choices),
    )
    level = forms.TypedChoiceField(
        label="Level (if accepted)",
        coerce=int,
        required=False,
        empty_value=None,
        choices=_choices("As proposed", Level.choices),
    )
    ends_on = forms.DateField(
        label="End of the notification period, licence or order (optional)",
        required=False,
        widget=date_widget(),
    )
    visor_reference = forms.CharField(
        label="ViSOR reference (optional)", max_length=40, required=False
    )

    def __init__(self, *args: Any, managers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _staff_field("Responsible manager", managers, "Needed when you accept.")
        field.required = False
        self.fields["responsible_manager"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "accept" and not data.get("responsible_manager"):
            self.add_error("responsible_manager", "Choose the responsible manager")
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["accept"] = data.pop("decision") == "accept"
        return data


class LevelForm(_Form):
    level = forms.TypedChoiceField(
        label="New level", coerce=int, choices=_choices("Choose a level", Level.choices)
    )
    reason = _text("Why the level changes", 4, help_text="Kept with your name and the date.")


class PlanForm(_Form):
    kind = forms.ChoiceField(
        label="Kind of plan", choices=PlanKind.choices, widget=forms.RadioSelect
    )
    supervision = _text("Supervision")
    monitoring_and_control = _text("Monitoring and control")
    interventions_and_treatment = _text("Interventions and treatment")
    victim_safety_planning = _text("Victim safety planning")
    review_on = forms.DateField(label="Review date", widget=date_widget())
    visit_every_days = forms.IntegerField(
        label="Home visits every (days, optional)",
        required=False,
        min_value=1,
        max_value=365,
        help_text="Leave blank for the default for the person's risk level (a local policy "
        "setting, not law).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("kind", PlanKind.ONGOING)
        super().__init__(*args, **kwargs)


class ApproveForm(_Form):
    reason = ReasonField(label="Why you approve it", help_text="Kept in the plan's history.")


class VisitPlanForm(_Form):
    planned_on = forms.DateField(label="Date planned", widget=date_widget())
    reason = ReasonField()


class VisitRecordForm(_Form):
    visited_on = forms.DateField(label="Date of the visit", widget=date_widget())
    outcome = _text("Outcome")
    concerns = _text("Concerns (optional)", 3, required=False)


class TerminateForm(_Form):
    termination_reason = forms.ChoiceField(
        label="Why the case ends", choices=TerminationReason.choices, widget=forms.RadioSelect
    )
    terminated_on = forms.DateField(
        label="Date",
        required=False,
        widget=date_widget(),
        help_text="For a death, removal from the UK or transfer: the date it happened "
        "(required). Otherwise leave blank for today.",
    )
    note = _text(
        "Details",
        help_text="For a death, how it was confirmed; for a removal, the Home Office reference; "
        "for a transfer, the MAPPA area and lead agency taking the case.",
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
            queryset=meetings,
            required=False,
            label="The meeting that decided (Category 3)",
            empty_label="Choose the meeting",
            help_text="A held Level 2 or 3 meeting whose recorded outcome for this case is that "
            "the risk has reduced.",
        )
        govuk_messages(field, "meeting")
        self.fields["meeting"] = field


class ConsiderationForm(_Form):
    considered = forms.TypedChoiceField(
        label="Was the case considered for Category 3?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes"), ("no", "No: say why below")],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="Outcome (if considered)",
        required=False,
        choices=ConsiderationOutcome.choices,
        widget=forms.RadioSelect,
    )
    proposed_level = forms.TypedChoiceField(
        label="Proposed level (if referred)",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Choose a level"), (2, "Level 2"), (3, "Level 3")],
        help_text="Category 3 cases are managed at Level 2 or 3 only.",
    )
    rationale = _text("Reasons for the decision", 5)
    decided_on = forms.DateField(label="Date decided", widget=date_widget())


class ArchiveForm(_Form):
    archived_on = forms.DateField(label="Date archived", widget=date_widget())
    reason = ReasonField()


class ArchiveReviewForm(_Form):
    reviewed_on = forms.DateField(label="Date reviewed", widget=date_widget())
    decision = forms.ChoiceField(
        label="Decision", choices=ArchiveDecision.choices, widget=forms.RadioSelect
    )
    rationale = _text("Reasons for the decision")


class MeetingForm(_Form):
    scheduled_on = forms.DateField(label="Date", widget=date_widget())
    scheduled_time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(
            attrs={"type": "time", "class": "govuk-input govuk-input--width-10"}, format="%H:%M"
        ),
        help_text="London time, like 10:00",
    )
    level = forms.TypedChoiceField(
        label="Level", coerce=int, choices=[("", "Choose a level"), (2, "Level 2"), (3, "Level 3")]
    )

    def __init__(self, *args: Any, chairs: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"] = _staff_field("Chair", chairs)
        attending = forms.ModelMultipleChoiceField(
            queryset=agencies,
            required=False,
            label="Other agencies attending",
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["attending_agencies"] = attending

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["scheduled_at"] = dt.datetime.combine(
            data.pop("scheduled_on"), data.pop("scheduled_time"), tzinfo=due_rules.LONDON
        )
        return data


class MinutesForm(_Form):
    minutes = _text("Minutes", 10)
    reason = ReasonField(initial="Minutes recorded")


class AgendaForm(_Form):
    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _CaseChoice(queryset=cases, label="Case", empty_label="Choose a case")
        govuk_messages(field, "case")
        self.fields["case"] = field


class MeetingCaseForm(_Form):
    plan_agreed = _text("Risk management plan agreed")
    next_review_on = forms.DateField(
        label="Next review date",
        required=False,
        widget=date_widget(),
        help_text="Leave blank for the longest the level allows (16 weeks at Level 2, 8 at "
        "Level 3: local policy settings, not law).",
    )
    risk_reduced = forms.BooleanField(
        label="The meeting decided the risk of harm has reduced sufficiently, or the case no "
        "longer needs active multi-agency management",
        required=False,
        help_text=f"What ends a Category 3 case. Source: {rules.CAT3_END_SOURCE}",
    )
    reason = ReasonField(initial="Agreed at the meeting")


class ActionForm(_Form):
    description = _text("What must be done", 3)
    due_on = forms.DateField(label="Due date", widget=date_widget())

    def __init__(self, *args: Any, cases: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = _CaseChoice(queryset=cases, label="Case", empty_label="Choose a case")
        govuk_messages(case, "case")
        self.fields["case"] = case
        self.fields["owner"] = _staff_field("Owner", owners)
        self.order_fields(["case", "description", "owner", "due_on"])


class ActionCompleteForm(_Form):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[(ActionStatus.DONE, "Done"), (ActionStatus.CANCELLED, "Cancelled")],
        widget=forms.RadioSelect,
    )
    outcome = _text("What was done", 3)
