"""API shapes for requirement sets, notifications, due items, breaches and tasks.

Staff are named by username, agencies by code, requirement items by code.
Times in are ISO 8601 with their UTC offset (a time without one is refused
rather than guessed); times out are ISO 8601 in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications import conf, rules
from notifications.models import (
    Breach,
    BreachOutcome,
    DueItem,
    Notification,
    NotificationPause,
    NotificationPeriod,
    PauseKind,
    RequirementItem,
    RequirementSet,
    RequirementSetItem,
    Task,
)
from notifications.services import NOTIFIABLE_DETAILS
from register.serializers import detail_serializer


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its offset, like 2026-03-02T14:30:00+00:00."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, like 2026-03-02T14:30:00+00:00",
    }

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class RequirementItemOutput(serializers.ModelSerializer[RequirementItem]):
    class Meta:
        model = RequirementItem
        fields = [
            "code",
            "label",
            "description",
            "deadline_rule",
            "deadline_days",
            "in_default_set",
        ]


class RequirementSetItemOutput(serializers.ModelSerializer[RequirementSetItem]):
    item = RequirementItemOutput()
    applies = serializers.BooleanField()
    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = RequirementSetItem
        fields = [
            "item",
            "applies",
            "tailoring",
            "deadline_days",
            "tailoring_reason",
            "approved_by",
            "approved_on",
        ]


class NotificationPeriodOutput(serializers.ModelSerializer[NotificationPeriod]):
    conviction = serializers.UUIDField(source="conviction_id")

    class Meta:
        model = NotificationPeriod
        fields = [
            "starts_on",
            "ends_on",
            "indefinite",
            "review_on",
            "rule_key",
            "explanation",
            "conviction",
        ]


class RequirementSetOutput(serializers.ModelSerializer[RequirementSet]):
    registration = serializers.UUIDField(source="registration_id")
    registration_current = serializers.BooleanField(source="registration.is_current")
    items = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()

    class Meta:
        model = RequirementSet
        fields = ["id", "registration", "registration_current", "created_at", "items", "period"]

    @extend_schema_field(RequirementSetItemOutput(many=True))
    def get_items(self, obj: RequirementSet) -> Any:
        return RequirementSetItemOutput(self.context["items"], many=True).data

    @extend_schema_field(NotificationPeriodOutput(allow_null=True))
    def get_period(self, obj: RequirementSet) -> Any:
        period = self.context.get("period")
        return NotificationPeriodOutput(period).data if period is not None else None


class TravelNoticeOutput(serializers.Serializer[Any]):
    on_time = serializers.BooleanField()
    needs_reason = serializers.BooleanField()
    hours_notice = serializers.FloatField()
    explanation = serializers.CharField()


class NotificationOutput(serializers.ModelSerializer[Notification]):
    received_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    receiving_agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    verified_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    travel_notice = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "received_at",
            "channel",
            "station",
            "received_by",
            "receiving_agency",
            "identity_checked",
            "items",
            "details",
            "departs_at",
            "late_reason",
            "travel_notice",
            "applied_changes",
            "verified_on",
            "verified_by",
            "verification_note",
            "created_at",
        ]

    @extend_schema_field(TravelNoticeOutput(allow_null=True))
    def get_travel_notice(self, obj: Notification) -> Any:
        if obj.departs_at is None:
            return None
        notice = rules.travel_notice(obj.received_at, obj.departs_at, conf.travel_notice_days())
        return TravelNoticeOutput(notice).data


class NotifiedChangeInput(serializers.Serializer[Any]):
    """A new detail the person notified, added to their record (e.g. a new address)."""

    kind = serializers.ChoiceField(
        choices=sorted(NOTIFIABLE_DETAILS), help_text="The kind of detail, as in the nominal API"
    )
    values = serializers.DictField(
        help_text="The detail's fields, as POST /nominals/{id}/{kind}/ takes them (no reason)"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        detail = detail_serializer(attrs["kind"])(data=attrs["values"])
        if not detail.is_valid():
            raise serializers.ValidationError({"values": detail.errors})
        return {"kind": attrs["kind"], "values": dict(detail.validated_data)}


class NotificationInput(serializers.Serializer[Any]):
    """A notification the person made to another force, relayed by a partner system."""

    received_at = AwareDateTimeField(help_text="When it was received, with its UTC offset")
    station = serializers.CharField(max_length=200, help_text="The force and station")
    identity_checked = serializers.BooleanField()
    items = serializers.ListField(
        child=serializers.SlugRelatedField(
            slug_field="code", queryset=RequirementItem.objects.all()
        ),
        allow_empty=False,
        help_text="Requirement item codes notified (see the requirement set)",
    )
    details = serializers.CharField()
    departs_at = AwareDateTimeField(
        required=False, allow_null=True, help_text="Foreign travel: departure, with its UTC offset"
    )
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")
    changes = NotifiedChangeInput(
        many=True,
        required=False,
        help_text="New details notified: each is added to the person's record, with history",
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["items"] = [item.code for item in data["items"]]
        data.setdefault("departs_at", None)
        data["changes"] = [(c["kind"], c["values"]) for c in data.get("changes", [])]
        return data


class NotificationVerifyInput(serializers.Serializer[Any]):
    verified_on = serializers.DateField(help_text="The date what was notified was checked")
    note = serializers.CharField(help_text="What was checked and how")


class DueItemOutput(serializers.ModelSerializer[DueItem]):
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    met_late = serializers.BooleanField(read_only=True)
    met_by = serializers.UUIDField(source="met_by_id", read_only=True, allow_null=True)

    class Meta:
        model = DueItem
        fields = [
            "id",
            "kind",
            "title",
            "due_at",
            "status",
            "owner",
            "met_at",
            "met_late",
            "met_by",
            "waived_reason",
            "flagged_overdue_at",
            "requirement",
            "event_on",
            "source",
            "created_at",
        ]
        extra_kwargs = {
            "source": {
                "help_text": "The rule and section the deadline follows, with the day it ends"
            },
            "requirement": {"help_text": "The requirement item code a notification must include"},
        }


class BreachOutput(serializers.ModelSerializer[Breach]):
    requirement: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    found_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Breach
        fields = [
            "id",
            "requirement",
            "due_item",
            "found_on",
            "found_by",
            "evidence",
            "status",
            "urgent_meeting_requested",
            "escalated_at",
            "outcome",
            "outcome_on",
            "conviction",
        ]


class BreachInput(serializers.Serializer[Any]):
    requirement: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=RequirementItem.objects.all()
    )
    found_on = serializers.DateField()
    evidence = serializers.CharField()
    due_item = serializers.UUIDField(
        required=False, allow_null=True, help_text="One of this person's due items"
    )


class BreachUpdateInput(serializers.Serializer[Any]):
    """Escalate (optionally asking for an urgent MAPP meeting) or close with an outcome."""

    action = serializers.ChoiceField(choices=[("escalate", "Escalate"), ("close", "Close")])
    urgent_meeting = serializers.BooleanField(required=False, default=False)
    outcome = serializers.ChoiceField(choices=BreachOutcome.choices, required=False)
    outcome_on = serializers.DateField(required=False)
    conviction = serializers.UUIDField(
        required=False, allow_null=True, help_text="One of this person's convictions"
    )
    reason = serializers.CharField(max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == "close":
            missing = {
                name: ["This field is required to close a breach."]
                for name in ("outcome", "outcome_on")
                if attrs.get(name) is None
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class TaskOutput(serializers.ModelSerializer[Task]):
    nominal = serializers.UUIDField(source="nominal_id")
    due_item = serializers.UUIDField(source="due_item_id", allow_null=True)
    due_at = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "title",
            "detail",
            "status",
            "outcome",
            "nominal",
            "due_item",
            "due_at",
            "created_at",
            "seen_at",
            "done_at",
        ]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_due_at(self, obj: Task) -> str | None:
        return obj.due_item.due_at.isoformat() if obj.due_item else None


class TaskCompleteInput(serializers.Serializer[Any]):
    outcome = serializers.CharField(max_length=2000)


class NotificationPauseOutput(serializers.ModelSerializer[NotificationPause]):
    recorded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = NotificationPause
        fields = ["id", "kind", "starts_on", "ends_on", "note", "recorded_by", "created_at"]


class NotificationPauseInput(serializers.Serializer[Any]):
    """Time in custody, in hospital or abroad (SOA 2003 s.83(6)): deadlines move over it."""

    kind = serializers.ChoiceField(choices=PauseKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The last day, expected or known")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    reason = serializers.CharField(max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": ["The last day cannot be before the first"]}
            )
        return attrs


class NotificationPauseRemoveInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class IndefiniteReviewInput(serializers.Serializer[Any]):
    """A decision on a review of indefinite notification requirements (SOA 2003 s.91A-F)."""

    decision = serializers.ChoiceField(
        choices=[("continue", "Continue"), ("discharge", "Discharge")]
    )
    decided_on = serializers.DateField()
    reasons = serializers.CharField(max_length=5000)


class IndefiniteReviewOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    decision = serializers.CharField()
    decided_on = serializers.DateField()
    reasons = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username", help_text="Username")
    next_review_on = serializers.DateField(allow_null=True)
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # the JSON key

    def get_source(self, obj: Any) -> str:
        return "SOA 2003 s.91A-F as applied: the next review 8 years after a decision to continue"
