"""API input and output shapes. Output serializers never carry victim contact details."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from register import models as m
from register import page_helpers
from register.services import NOMINAL_FIELDS, detail_kind
from register.services.nominals import SAFEGUARD_FIELD_MESSAGE, SAFEGUARD_FIELDS


class AgencyOutput(serializers.ModelSerializer[m.Agency]):
    class Meta:
        model = m.Agency
        fields = ["code", "name", "kind"]


class MeOutput(serializers.ModelSerializer[m.StaffUser]):
    agency = AgencyOutput()

    class Meta:
        model = m.StaffUser
        fields = ["username", "first_name", "last_name", "agency", "roles", "is_api_client"]


class OffenceOutput(serializers.ModelSerializer[m.Offence]):
    class Meta:
        model = m.Offence
        fields = [
            "code",
            "statute",
            "section",
            "title",
            "specified_stalking",
            "coercive_control",
            "mappa_cat2_specified",
            "sexual",
            "violent",
            "default_gravity",
        ]


# Answers to a related record the caller may not name. A record that does not exist and one
# of another agency (or another person) get the same words, so the API reveals nothing.
STAFF_NOT_IN_SCOPE = "Choose a member of staff of an agency that holds this record"
OFFICER_NOT_IN_SCOPE = "Choose an officer of the agency that leads this record"
ORDER_NOT_IN_SCOPE = "Choose one of this person's orders"
CONVICTION_NOT_IN_SCOPE = "Choose one of this person's convictions"


class RecordStaffField(serializers.SlugRelatedField[m.StaffUser]):
    """A member of staff, by username, from those the record's pickers offer on its pages:
    casework staff of the lead agency or an agency the record is shared with (the
    responsible officer: of the lead agency only). Scoped by the serializer's context:
    `nominal` (a change), else `user` (a new record, which the user's agency will lead)."""

    def __init__(self, *, lead_agency_only: bool = False, **kwargs: Any) -> None:
        message = OFFICER_NOT_IN_SCOPE if lead_agency_only else STAFF_NOT_IN_SCOPE
        self.lead_agency_only = lead_agency_only
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(
            slug_field="username",
            queryset=m.StaffUser.objects.none(),
            error_messages={"does_not_exist": message, "invalid": message},
            **kwargs,
        )

    def get_queryset(self) -> Any:
        nominal = self.context.get("nominal")
        user = self.context.get("user")
        if nominal is not None and self.lead_agency_only:
            return page_helpers.responsible_officer_choices(nominal=nominal)
        if nominal is not None:
            return page_helpers.record_staff_choices(nominal=nominal)
        if user is not None:
            return page_helpers.officer_choices(user=user)
        return m.StaffUser.objects.none()  # no context: nothing can be named


class NominalRecordField(serializers.PrimaryKeyRelatedField[Any]):
    """One of the nominal's own records (an order, a conviction), by id, from the
    serializer's context `nominal`; anything else answers as a missing id does."""

    def __init__(self, *, model: type[Any], message: str, **kwargs: Any) -> None:
        self.model = model
        super().__init__(
            queryset=model.objects.none(),
            error_messages={"does_not_exist": message, "incorrect_type": message},
            **kwargs,
        )

    def get_queryset(self) -> Any:
        nominal = self.context.get("nominal")
        if nominal is None:
            return self.model.objects.none()
        return self.model.objects.filter(nominal=nominal)

    def to_internal_value(self, data: Any) -> Any:
        try:
            return super().to_internal_value(data)
        except DjangoValidationError:  # not even a UUID: still just not one of theirs
            self.fail("does_not_exist")


def _nominal_record(model: type[Any], message: str, name: str, detail_model: Any) -> Any:
    field = detail_model._meta.get_field(name)
    return NominalRecordField(
        model=model, message=message, required=not field.null, allow_null=field.null
    )


_RELATED_AS = {
    # API clients refer to offences by catalogue code, to staff by username.
    "offence": lambda model: serializers.SlugRelatedField(
        slug_field="code", queryset=m.Offence.objects.filter(is_active=True)
    ),
    "assessor": lambda model: RecordStaffField(),
    "compliance_officer": lambda model: RecordStaffField(),
    "responsible_officer": lambda model: RecordStaffField(lead_agency_only=True),
    "order": lambda model: _nominal_record(m.CivilOrder, ORDER_NOT_IN_SCOPE, "order", model),
    "conviction": lambda model: _nominal_record(
        m.Conviction, CONVICTION_NOT_IN_SCOPE, "conviction", model
    ),
    "consecutive_to": lambda model: _nominal_record(
        m.Conviction, CONVICTION_NOT_IN_SCOPE, "consecutive_to", model
    ),
}


@cache
def detail_serializer(kind: str) -> type[serializers.ModelSerializer[Any]]:
    """One ModelSerializer per kind of detail, named after its model for the schema."""
    spec = detail_kind(kind)
    fields = ["id", *spec.fields, "created_at", "updated_at"]
    if spec.parent_field != "nominal":
        fields.insert(1, spec.parent_field)
    # Related records and staff are chosen from what the caller may name: the view passes
    # the nominal (and the user) in the serializer's context.
    declared = {name: make(spec.model) for name, make in _RELATED_AS.items() if name in fields}
    meta = type(
        "Meta",
        (),
        {
            "model": spec.model,
            "fields": fields,
            "read_only_fields": ["id", "created_at", "updated_at"],
        },
    )
    return type(
        f"{spec.model.__name__}Serializer",
        (serializers.ModelSerializer,),
        {"Meta": meta, **declared},
    )


def _code() -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", read_only=True)


def _username() -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


class NominalSummaryOutput(serializers.ModelSerializer[m.Nominal]):
    lead_agency = _code()
    responsible_officer = _username()

    class Meta:
        model = m.Nominal
        fields = [
            "id",
            "family_name",
            "given_names",
            "date_of_birth",
            "pnc_id",
            "lead_agency",
            "responsible_officer",
            "current_risk_level",
            "registration_status",
            "priority_score",
            "created_at",
            "updated_at",
        ]


def _nested(kind: str) -> serializers.BaseSerializer[Any]:
    return detail_serializer(kind)(many=True, read_only=True)


class NominalOutput(serializers.ModelSerializer[m.Nominal]):
    """The whole record: the person and every detail (all prefetched by the selector)."""

    lead_agency = _code()
    responsible_officer = _username()
    merged_into: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    names = _nested("names")
    addresses = _nested("addresses")
    contact_details = _nested("contact-details")
    vehicles = _nested("vehicles")
    financial_accounts = _nested("financial-accounts")
    identity_documents = _nested("identity-documents")
    household_members = _nested("household-members")
    convictions = _nested("convictions")
    incidents = _nested("incidents")
    civil_orders = _nested("civil-orders")
    risk_assessments = _nested("risk-assessments")

    class Meta:
        model = m.Nominal
        fields = [
            "id",
            *NOMINAL_FIELDS,
            "lead_agency",
            "merged_into",
            "current_risk_level",
            "registration_status",
            "priority_score",
            "priority_parts",
            # The safeguard: read-only here; raised with a reason and cleared only by a review.
            *SAFEGUARD_FIELDS,
            "names",
            "addresses",
            "contact_details",
            "vehicles",
            "financial_accounts",
            "identity_documents",
            "household_members",
            "convictions",
            "incidents",
            "civil_orders",
            "risk_assessments",
            "created_at",
            "updated_at",
        ]


class NominalInput(serializers.ModelSerializer[m.Nominal]):
    """Create (all required fields) or change (partial) the person's own fields."""

    responsible_officer = RecordStaffField(lead_agency_only=True)
    reason = serializers.CharField(max_length=500, write_only=True)

    # The safeguard's fields are refused by name, not as unknown (core.input): a client that
    # sends {"possible_misidentified_victim": ""} learns it cannot clear the flag this way.
    refused_fields = dict.fromkeys(SAFEGUARD_FIELDS, SAFEGUARD_FIELD_MESSAGE)

    class Meta:
        model = m.Nominal
        fields = [*NOMINAL_FIELDS, "reason"]
        # Uniqueness and model validation run in the service, in one place.
        validators: list[Any] = []


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


# The misidentified-victim safeguard and registration decisions -------------------------------


class MisidentificationInput(serializers.Serializer[Any]):
    """Raise the possible misidentified victim flag, saying why."""

    misidentification = serializers.ChoiceField(
        choices=m.Misidentification.choices,
        error_messages={
            "invalid_choice": "Choose counter_allegation, dual_arrest or violent_resistance"
        },
    )
    raised_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000)


class SafeguardOutput(serializers.ModelSerializer[m.Nominal]):
    class Meta:
        model = m.Nominal
        fields = ["id", *SAFEGUARD_FIELDS, "registration_status"]


class AggressorReviewInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=m.AggressorFinding.choices)
    reviewed_on = serializers.DateField()
    rationale = serializers.CharField(max_length=5000)


class AggressorReviewOutput(serializers.ModelSerializer[m.PrimaryAggressorReview]):
    reviewed_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = m.PrimaryAggressorReview
        fields = [
            "id",
            "nominal",
            "misidentification",
            "outcome",
            "reviewed_by",
            "reviewed_on",
            "rationale",
            "created_at",
        ]


class RegistrationInput(serializers.Serializer[Any]):
    """A registration decision: the same fields as the page, to the same service."""

    criteria_set = serializers.SlugRelatedField(
        slug_field="key", queryset=m.CriteriaSet.objects.filter(is_active=True)
    )
    decision = serializers.ChoiceField(choices=m.Decision.choices)
    rationale = serializers.CharField(max_length=5000)
    decided_on = serializers.DateField()
    starts_on = serializers.DateField(required=False, allow_null=True)
    review_on = serializers.DateField(required=False, allow_null=True)


class RegistrationOutput(serializers.ModelSerializer[m.Registration]):
    criteria_set: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = m.Registration
        fields = [
            "id",
            "nominal",
            "decision",
            "criteria_set",
            "explanation",
            "rationale",
            "decided_by",
            "decided_on",
            "starts_on",
            "review_on",
            "notice_served_on",
            "ended_on",
            "end_reason",
            "created_at",
        ]
