"""API shapes for MAPPA. Staff are named by username, agencies by code, records by UUID."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mappa import rules
from mappa.models import (
    ActionStatus,
    ArchiveDecision,
    ArchiveReview,
    Category3Consideration,
    ConsiderationOutcome,
    HomeVisit,
    LevelChange,
    MappaCase,
    Meeting,
    MeetingAction,
    MeetingCase,
    PlanKind,
    Referral,
    RiskManagementPlan,
    TerminationReason,
)
from notifications.serializers import AwareDateTimeField

Username: Any = lambda **kw: serializers.SlugRelatedField(  # noqa: E731
    slug_field="username", read_only=True, **kw
)
AgencyCode: Any = lambda **kw: serializers.SlugRelatedField(  # noqa: E731
    slug_field="code", read_only=True, **kw
)


class LevelChangeOutput(serializers.ModelSerializer[LevelChange]):
    changed_by = Username()

    class Meta:
        model = LevelChange
        fields = ["from_level", "to_level", "changed_by", "changed_at", "reason"]


class CaseOutput(serializers.ModelSerializer[MappaCase]):
    nominal = serializers.UUIDField(source="nominal_id")
    lead_agency = AgencyCode()
    responsible_manager = Username()
    termination_meeting = serializers.UUIDField(source="termination_meeting_id", allow_null=True)
    termination_source = serializers.SerializerMethodField(
        help_text="The rule and source of the ending, once the case has ended"
    )

    def get_termination_source(self, obj: MappaCase) -> str:
        ending = rules.ENDINGS.get(obj.termination_reason)
        return str(ending.source) if ending else ""

    class Meta:
        model = MappaCase
        fields = [
            "id",
            "nominal",
            "category",
            "level",
            "lead_agency",
            "responsible_manager",
            "start_date",
            "status",
            "visor_reference",
            "ends_on",
            "eligibility_note",
            "termination_reason",
            "termination_note",
            "terminated_on",
            "termination_meeting",
            "termination_source",
            "archived_on",
            "created_at",
            "updated_at",
        ]


class CaseInput(serializers.Serializer[Any]):
    nominal = serializers.UUIDField()
    category = serializers.IntegerField()
    level = serializers.IntegerField()
    responsible_manager = serializers.CharField(help_text="Username")
    start_date = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    visor_reference = serializers.CharField(required=False, allow_blank=True, max_length=40)
    reason = serializers.CharField()


class CaseUpdateInput(serializers.Serializer[Any]):
    level = serializers.IntegerField()
    reason = serializers.CharField()


class TerminationInput(serializers.Serializer[Any]):
    termination_reason = serializers.ChoiceField(choices=TerminationReason.choices)
    note = serializers.CharField(help_text="Why, in a sentence or two")
    meeting = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The Level 2/3 meeting that decided (needed to end a Category 3 case)",
    )
    terminated_on = serializers.DateField(required=False, allow_null=True, default=None)


class ArchiveInput(serializers.Serializer[Any]):
    reason = serializers.CharField()
    archived_on = serializers.DateField(required=False, allow_null=True, default=None)


class ArchiveReviewInput(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=ArchiveDecision.choices)
    rationale = serializers.CharField()
    reviewed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ArchiveReviewOutput(serializers.ModelSerializer[ArchiveReview]):
    reviewed_by = Username()
    rule = serializers.SerializerMethodField(help_text="Why the reviews fall when they do")

    def get_rule(self, obj: ArchiveReview) -> str:
        return (
            "2 years after archiving, then every 10 years from the archive date. Source: "
            f"{rules.ARCHIVE_SOURCE}"
        )

    class Meta:
        model = ArchiveReview
        fields = [
            "id",
            "number",
            "due_on",
            "reviewed_on",
            "reviewed_by",
            "decision",
            "rationale",
            "next_due_on",
            "rule",
        ]


class ReferralOutput(serializers.ModelSerializer[Referral]):
    nominal = serializers.UUIDField(source="nominal_id")
    referring_agency = AgencyCode()
    referred_by = Username()
    addressed_to = AgencyCode()
    decided_by = Username()
    case = serializers.UUIDField(source="case_id", allow_null=True)
    registration = serializers.UUIDField(
        source="registration_id",
        allow_null=True,
        help_text="Set when the register proposed the case because the person was registered",
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "nominal",
            "referring_agency",
            "referred_by",
            "addressed_to",
            "reason",
            "proposed_category",
            "proposed_level",
            "attachments",
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "case",
            "registration",
            "created_at",
        ]


class ReferralInput(serializers.Serializer[Any]):
    nominal = serializers.UUIDField()
    reason = serializers.CharField()
    proposed_category = serializers.IntegerField()
    proposed_level = serializers.IntegerField()
    attachments = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )


class DecisionInput(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField()
    responsible_manager = serializers.CharField(required=False, help_text="Username; to accept")
    category = serializers.IntegerField(required=False, allow_null=True)
    level = serializers.IntegerField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    visor_reference = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("accept") and not attrs.get("responsible_manager"):
            raise serializers.ValidationError(
                {"responsible_manager": ["Give the responsible manager's username"]}
            )
        return attrs


class MeetingCaseOutput(serializers.ModelSerializer[MeetingCase]):
    case = serializers.UUIDField(source="case_id")
    nominal = serializers.UUIDField(source="case.nominal_id")

    class Meta:
        model = MeetingCase
        fields = ["case", "nominal", "plan_agreed", "next_review_on", "risk_reduced"]


class MeetingOutput(serializers.ModelSerializer[Meeting]):
    chair_agency = AgencyCode()
    chair = Username()
    attending_agencies = AgencyCode(many=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "chair_agency",
            "chair",
            "scheduled_at",
            "level",
            "status",
            "attending_agencies",
            "created_at",
        ]


class MeetingDetailOutput(MeetingOutput):
    cases = serializers.SerializerMethodField()
    cases_withheld = serializers.SerializerMethodField()

    class Meta(MeetingOutput.Meta):
        fields = [*MeetingOutput.Meta.fields, "minutes", "cases", "cases_withheld"]

    def get_cases(self, obj: Meeting) -> list[dict[str, Any]]:
        return MeetingCaseOutput(self.context["cases"], many=True).data  # type: ignore[return-value]

    def get_cases_withheld(self, obj: Meeting) -> int:
        return int(self.context["withheld"])


class MeetingInput(serializers.Serializer[Any]):
    scheduled_at = AwareDateTimeField()
    level = serializers.IntegerField()
    chair = serializers.CharField(help_text="Username of the chair (your agency)")
    attending_agencies = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Agency codes"
    )
    cases = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, help_text="Case ids"
    )


class ActionOutput(serializers.ModelSerializer[MeetingAction]):
    meeting = serializers.UUIDField(source="meeting_id")
    case = serializers.UUIDField(source="case_id")
    owner = Username()

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "meeting",
            "case",
            "description",
            "owner",
            "due_on",
            "status",
            "outcome",
            "completed_at",
            "created_at",
        ]


class ActionUpdateInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[ActionStatus.DONE, ActionStatus.CANCELLED])
    outcome = serializers.CharField()


class PlanOutput(serializers.ModelSerializer[RiskManagementPlan]):
    case = serializers.UUIDField(source="case_id")
    author = Username()
    approved_by = Username()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = RiskManagementPlan
        fields = [
            "id",
            "case",
            "version",
            "kind",
            "status",
            "in_force",
            "supervision",
            "monitoring_and_control",
            "interventions_and_treatment",
            "victim_safety_planning",
            "review_on",
            "visit_every_days",
            "author",
            "approved_by",
            "approved_at",
            "created_at",
        ]

    def get_in_force(self, obj: RiskManagementPlan) -> bool:
        return obj.status == "approved"


class PlanInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PlanKind.choices, default=PlanKind.ONGOING)
    supervision = serializers.CharField()
    monitoring_and_control = serializers.CharField()
    interventions_and_treatment = serializers.CharField()
    victim_safety_planning = serializers.CharField()
    review_on = serializers.DateField()
    visit_every_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=365
    )


class ApprovalInput(serializers.Serializer[Any]):
    reason = serializers.CharField()


class VisitOutput(serializers.ModelSerializer[HomeVisit]):
    case = serializers.UUIDField(source="case_id")
    visited_by = Username()

    class Meta:
        model = HomeVisit
        fields = [
            "id",
            "case",
            "planned_on",
            "status",
            "visited_on",
            "visited_by",
            "outcome",
            "concerns",
            "created_at",
        ]


class VisitInput(serializers.Serializer[Any]):
    planned_on = serializers.DateField(required=False, help_text="To plan a visit")
    visited_on = serializers.DateField(required=False, help_text="To record a visit done")
    outcome = serializers.CharField(required=False, allow_blank=True)
    concerns = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, default="Home visit")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("planned_on")) == bool(attrs.get("visited_on")):
            raise serializers.ValidationError(
                {"planned_on": ["Give planned_on to plan a visit, or visited_on to record one"]}
            )
        return attrs


class ConsiderationOutput(serializers.ModelSerializer[Category3Consideration]):
    case = serializers.UUIDField(source="case_id")
    decided_by = Username()
    referral = serializers.UUIDField(source="referral_id", allow_null=True)
    rule = serializers.SerializerMethodField(help_text="The rule and its source")

    class Meta:
        model = Category3Consideration
        fields = [
            "id",
            "case",
            "considered",
            "outcome",
            "rationale",
            "decided_by",
            "decided_on",
            "referral",
            "rule",
            "created_at",
        ]

    def get_rule(self, obj: Category3Consideration) -> str:
        return str(rules.CONSIDER_SOURCE)


class ConsiderationInput(serializers.Serializer[Any]):
    considered = serializers.BooleanField()
    outcome = serializers.ChoiceField(
        choices=ConsiderationOutcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when considered",
    )
    rationale = serializers.CharField()
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    proposed_level = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="2 or 3, to refer"
    )


class OutcomeOutput(serializers.Serializer[Any]):
    eligible = serializers.BooleanField()
    explanation = serializers.CharField()
    rule = serializers.CharField(help_text="The source the rule follows")


class EligibilityOutput(serializers.Serializer[Any]):
    nominal = serializers.UUIDField()
    category_2 = OutcomeOutput(help_text="The Category 2 criteria against the convictions")
    category_2_current = OutcomeOutput(help_text="Whether Category 2 still applies today")
    category_3 = OutcomeOutput()
