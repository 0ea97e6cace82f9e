"""API shapes of the victims app.

The compartment is enforced here by *which serializer* is used, chosen from the selector's
decision (`victims.selectors.VictimView.compartment`), never by the view blanking fields:
`VictimOffenderSideOutput` has no address, postcode, phone, email, safe contact times,
safe words, contact log or representations keys at all.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from register.models import Misidentification, Sex
from victims.models import (
    ConditionRequested,
    ContactChannel,
    ContactLevel,
    DisclosureCase,
    DisclosureDecision,
    DisclosureOutcome,
    DisclosureRisk,
    DisclosureRoute,
    OfferAnswer,
    Relationship,
    Representation,
    SafetyFlag,
    SharedInformation,
    Victim,
    VictimAccessGrant,
    VictimContact,
    VictimContactDetails,
    VictimLink,
)


class LinkOutput(serializers.ModelSerializer[VictimLink]):
    """A link as anyone who may see the victim sees it: no place, no contact."""

    victim = serializers.UUIDField(source="victim_id")
    nominal = serializers.UUIDField(source="nominal_id")
    nominal_name = serializers.CharField(source="nominal.__str__")
    convictions = serializers.SerializerMethodField()
    civil_orders = serializers.SerializerMethodField()

    class Meta:
        model = VictimLink
        fields = [
            "id",
            "victim",
            "nominal",
            "nominal_name",
            "relationship",
            "convictions",
            "civil_orders",
            "safety_flags",
            "safety_notes",
            "created_at",
        ]

    def get_convictions(self, obj: VictimLink) -> list[dict[str, Any]]:
        return [
            {
                "id": str(c.pk),
                "offence": c.offence.code,
                "offence_title": c.offence.title,
                "conviction_date": c.conviction_date.isoformat(),
                "sentence_type": c.sentence_type,
                "sentence_date": c.sentence_date.isoformat() if c.sentence_date else None,
                "sentence_amount": c.sentence_amount,
                "sentence_unit": c.sentence_unit,
                "sentence_days": c.sentence_days,
            }
            for c in obj.convictions.all()
        ]

    def get_civil_orders(self, obj: VictimLink) -> list[dict[str, Any]]:
        return [
            {"id": str(o.pk), "kind": o.kind, "starts_on": o.starts_on.isoformat()}
            for o in obj.civil_orders.all()
        ]


class VictimOffenderSideOutput(serializers.ModelSerializer[Victim]):
    """What offender-side users may know: that the victim exists and what keeps them safe."""

    age = serializers.IntegerField(source="age_now", allow_null=True)

    class Meta:
        model = Victim
        fields = ["id", "given_names", "family_name", "sex", "age", "children_count"]


class ContactDetailsOutput(serializers.ModelSerializer[VictimContactDetails]):
    class Meta:
        model = VictimContactDetails
        fields = [
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "email",
            "safe_contact_times",
            "safe_words",
            "updated_at",
        ]


class VictimCompartmentOutput(serializers.ModelSerializer[Victim]):
    """Everything: for the owning agency's VLOs and users with a grant."""

    agency = serializers.SlugRelatedField[Any](slug_field="code", read_only=True)
    vlo = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    age = serializers.IntegerField(source="age_now", allow_null=True)
    contact_details = serializers.SerializerMethodField()
    also_nominal = serializers.UUIDField(source="also_nominal_id", allow_null=True)

    class Meta:
        model = Victim
        fields = [
            "id",
            "agency",
            "given_names",
            "family_name",
            "date_of_birth",
            "age",
            "sex",
            "children_count",
            "children_notes",
            "vlo",
            "scheme",
            "scheme_reason",
            "offer_made_on",
            "offer_answer",
            "answer_on",
            "contact_level",
            "next_contact_on",
            "also_nominal",
            "misidentification",
            "contact_details",
            "created_at",
            "updated_at",
        ]

    def get_contact_details(self, obj: Victim) -> dict[str, Any] | None:
        try:
            details = obj.contact_details  # joined by the selector
        except VictimContactDetails.DoesNotExist:
            return None
        return dict(ContactDetailsOutput(details).data)


def victim_output(victim: Victim, *, compartment: bool) -> dict[str, Any]:
    """The one place a victim becomes JSON: the serializer follows the selector's decision."""
    serializer = VictimCompartmentOutput if compartment else VictimOffenderSideOutput
    return dict(serializer(victim).data) | {"compartment": compartment}


class NominalVictimOutput(serializers.Serializer[VictimLink]):
    """A nominal's victim, offender-side: the victim and the link (never a place)."""

    victim = VictimOffenderSideOutput()
    link = serializers.SerializerMethodField()

    def get_link(self, obj: VictimLink) -> dict[str, Any]:
        return dict(LinkOutput(obj).data)

    def to_representation(self, instance: VictimLink) -> dict[str, Any]:
        return {
            "victim": dict(VictimOffenderSideOutput(instance.victim).data),
            "link": dict(LinkOutput(instance).data),
        }


class VictimContactOutput(serializers.ModelSerializer[VictimContact]):
    recorded_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = VictimContact
        fields = ["id", "contact_on", "channel", "shared", "notes", "recorded_by", "created_at"]


class RepresentationOutput(serializers.ModelSerializer[Representation]):
    link = serializers.UUIDField(source="link_id")

    class Meta:
        model = Representation
        fields = [
            "id",
            "link",
            "condition",
            "requested",
            "made_on",
            "outcome",
            "outcome_on",
            "outcome_notes",
        ]


# Input --------------------------------------------------------------------------------------


class VictimUpdateInput(serializers.Serializer[Any]):
    given_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    children_count = serializers.IntegerField(required=False, min_value=0)
    children_notes = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class ContactDetailsInput(serializers.Serializer[Any]):
    address_line_1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_line_2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    safe_contact_times = serializers.CharField(max_length=300, required=False, allow_blank=True)
    safe_words = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class VictimCreateInput(serializers.Serializer[Any]):
    given_names = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    family_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120, default=None
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default="not_known")
    children_count = serializers.IntegerField(required=False, min_value=0, default=0)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    convictions = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    civil_orders = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list
    )
    safety_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=SafetyFlag.choices), required=False, default=list
    )
    safety_notes = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(max_length=500)


class LinkCreateInput(serializers.Serializer[Any]):
    nominal = serializers.UUIDField()
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    convictions = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    civil_orders = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list
    )
    safety_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=SafetyFlag.choices), required=False, default=list
    )
    safety_notes = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(max_length=500)


class ContactInput(serializers.Serializer[Any]):
    contact_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    shared = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedInformation.choices),
        required=False,
        default=list,
    )
    notes = serializers.CharField()
    next_contact_on = serializers.DateField(required=False, allow_null=True, default=None)


class RepresentationInput(serializers.Serializer[Any]):
    link = serializers.UUIDField()
    condition = serializers.ChoiceField(choices=ConditionRequested.choices)
    requested = serializers.CharField()
    made_on = serializers.DateField()


class OfferInput(serializers.Serializer[Any]):
    offer_made_on = serializers.DateField()
    offer_answer = serializers.ChoiceField(
        choices=OfferAnswer.choices, required=False, allow_blank=True, default=""
    )
    answer_on = serializers.DateField(required=False, allow_null=True, default=None)
    contact_level = serializers.ChoiceField(
        choices=ContactLevel.choices, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(max_length=500)


class MisidentifiedInput(serializers.Serializer[Any]):
    misidentification = serializers.ChoiceField(choices=Misidentification.choices)
    reason = serializers.CharField(max_length=500)


# Disclosure scheme ----------------------------------------------------------------------------


class DisclosureOutput(serializers.ModelSerializer[DisclosureCase]):
    agency = serializers.SlugRelatedField[Any](slug_field="code", read_only=True)
    subject = serializers.UUIDField(source="subject_id")
    case_officer = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = DisclosureCase
        fields = [
            "id",
            "agency",
            "route",
            "subject",
            "received_on",
            "case_officer",
            "applicant_name",
            "applicant_relationship",
            "applicant_is_person_at_risk",
            "person_at_risk_name",
            "applicant_contact",
            "status",
            "initial_checks_on",
            "checks_notes",
            "face_to_face_on",
            "risk_level",
            "decision",
            "decision_on",
            "decision_reasons",
            "decision_agencies",
            "outcome",
            "outcome_on",
            "disclosed_to",
            "in_person",
            "what_was_said",
            "declined_reason",
            "safety_plan",
            "marac_referred_on",
            "idva_referred_on",
            "completed_on",
            "created_at",
            "updated_at",
        ]


class DisclosureCreateInput(serializers.Serializer[Any]):
    route = serializers.ChoiceField(choices=DisclosureRoute.choices)
    subject = serializers.UUIDField()
    received_on = serializers.DateField()
    applicant_name = serializers.CharField(max_length=200)
    applicant_relationship = serializers.CharField(max_length=200)
    applicant_is_person_at_risk = serializers.BooleanField(default=True)
    person_at_risk_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    applicant_contact = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class DisclosureChecksInput(serializers.Serializer[Any]):
    initial_checks_on = serializers.DateField()
    checks_notes = serializers.CharField(help_text="Checks done and what they found")
    risk_level = serializers.ChoiceField(choices=DisclosureRisk.choices)
    face_to_face_on = serializers.DateField(required=False, allow_null=True, default=None)


class DisclosureDecisionInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=DisclosureDecision.choices)
    decision_on = serializers.DateField()
    decision_reasons = serializers.CharField()
    decision_agencies = serializers.CharField(
        max_length=300, help_text="The agencies that took the decision"
    )


class DisclosureOutcomeInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=DisclosureOutcome.choices)
    outcome_on = serializers.DateField()
    safety_plan = serializers.CharField()
    disclosed_to = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    in_person = serializers.BooleanField(required=False, default=False)
    what_was_said = serializers.CharField(required=False, allow_blank=True, default="")
    declined_reason = serializers.CharField(required=False, allow_blank=True, default="")
    marac_referred_on = serializers.DateField(required=False, allow_null=True, default=None)
    idva_referred_on = serializers.DateField(required=False, allow_null=True, default=None)


class GrantOutput(serializers.ModelSerializer[VictimAccessGrant]):
    grantee: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    granted_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    revoked_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = VictimAccessGrant
        fields = [
            "id",
            "grantee",
            "granted_by",
            "reason",
            "granted_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]


class GrantInput(serializers.Serializer[Any]):
    grantee = serializers.CharField(help_text="The username of the member of staff")
    reason = serializers.CharField()


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField()


class AllocationInput(serializers.Serializer[Any]):
    vlo = serializers.CharField(
        allow_null=True, help_text="The username of one of the agency's VLOs; null to unallocate"
    )
    reason = serializers.CharField()
