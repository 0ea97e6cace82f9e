"""API input and output shapes. Output serializers never carry victim contact details."""

from __future__ import annotations

from functools import cache
from typing import Any

from rest_framework import serializers

from register import models as m
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


_RELATED_AS = {
    # API clients refer to offences by catalogue code, to staff by username.
    "offence": lambda: serializers.SlugRelatedField(
        slug_field="code", queryset=m.Offence.objects.filter(is_active=True)
    ),
    "assessor": lambda: serializers.SlugRelatedField(
        slug_field="username", queryset=m.StaffUser.objects.all(), required=False, allow_null=True
    ),
    "compliance_officer": lambda: serializers.SlugRelatedField(
        slug_field="username", queryset=m.StaffUser.objects.all(), required=False, allow_null=True
    ),
    "responsible_officer": lambda: serializers.SlugRelatedField(
        slug_field="username", queryset=m.StaffUser.objects.all(), required=False, allow_null=True
    ),
}


@cache
def detail_serializer(kind: str) -> type[serializers.ModelSerializer[Any]]:
    """One ModelSerializer per kind of detail, named after its model for the schema."""
    spec = detail_kind(kind)
    fields = ["id", *spec.fields, "created_at", "updated_at"]
    if spec.parent_field != "nominal":
        fields.insert(1, spec.parent_field)
    declared = {name: make() for name, make in _RELATED_AS.items() if name in spec.fields}
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

    responsible_officer = _RELATED_AS["responsible_officer"]()
    reason = serializers.CharField(max_length=500, write_only=True)

    class Meta:
        model = m.Nominal
        fields = [*NOMINAL_FIELDS, "reason"]
        # Uniqueness and model validation run in the service, in one place.
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The safeguard's fields are refused by name, not silently ignored: a client that
        sends {"possible_misidentified_victim": ""} learns it cannot clear the flag this way."""
        sent = getattr(self, "initial_data", {}) or {}
        refused = [name for name in SAFEGUARD_FIELDS if name in sent]
        if refused:
            raise serializers.ValidationError({name: [SAFEGUARD_FIELD_MESSAGE] for name in refused})
        return attrs


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
