"""/api/v1/ for notification requirements, notifications, due items, breaches and tasks.

Thin, and on the register API's conventions: the role gate (404 to roles that
may not see nominals), records reached through the access gate (404 for a
nominal the client's agency may not see), reads logged with the purpose the
client sent in X-Purpose, cursor pagination, field-by-field errors, and
ETag / If-Match on updates.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.models import (
    Breach,
    DueStatus,
    NotificationChannel,
    Task,
    TaskKind,
    TaskStatus,
)
from notifications.serializers import (
    BreachInput,
    BreachOutput,
    BreachUpdateInput,
    DueItemOutput,
    IndefiniteReviewInput,
    IndefiniteReviewOutput,
    NotificationInput,
    NotificationOutput,
    NotificationPauseInput,
    NotificationPauseOutput,
    NotificationPauseRemoveInput,
    NotificationVerifyInput,
    RequirementSetOutput,
    TaskCompleteInput,
    TaskOutput,
)
from register.api_conventions import (
    IF_MATCH_HEADER,
    PURPOSE_HEADER,
    CursorPagination,
    RoleGate,
    check_if_match,
    etag_for,
    if_match_write,
    with_etag,
)
from register.audit import log_api_reads
from register.models import Conviction, Nominal
from register.requests import StaffApiRequest

TAGS = ["notifications"]


def breach_etag(breach: Breach) -> str:
    """Changes whenever anything a PATCH can change does."""
    return etag_for(
        ":".join(
            str(part)
            for part in (
                breach.pk,
                breach.status,
                breach.escalated_at and breach.escalated_at.isoformat(),
                breach.urgent_meeting_requested,
                breach.outcome,
                breach.outcome_on,
                breach.conviction_id,
            )
        )
    )


class _NominalList(generics.GenericAPIView[Any]):
    """A cursor-paginated list of one nominal's rows."""

    permission_classes = [RoleGate]
    gate_model = Nominal
    request: StaffApiRequest
    purpose = ""

    def nominal(self, action: str = "view") -> Nominal:
        return selectors.nominal_get(
            user=self.request.user,
            nominal_id=self.kwargs["nominal_id"],
            action=action,  # type: ignore[arg-type]
        )

    def list_response(self, request: StaffApiRequest, queryset: Any) -> Response:
        nominal = self.nominal()
        page = self.paginate_queryset(queryset(nominal))
        assert page is not None  # noqa: S101 - cursor pagination is always on
        log_api_reads(request, [nominal], self.purpose)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# Requirement set ---------------------------------------------------------------------------


class RequirementSetApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Nominal

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=RequirementSetOutput,
        summary="What the person must notify, with each item's tailoring, and the period",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
        registration = selectors.registration_for(nominal)
        if registration is None:
            raise Http404
        requirement_set = selectors.one_to_one(registration, "requirement_set")
        if requirement_set is None:
            raise Http404
        log_api_reads(request, [nominal], "Partner system read of notification requirements")
        context = {
            "items": selectors.requirement_set_items(requirement_set),
            "period": selectors.one_to_one(registration, "notification_period"),
        }
        return Response(RequirementSetOutput(requirement_set, context=context).data)


# Notifications -----------------------------------------------------------------------------


class NotificationPagination(CursorPagination):
    ordering = "-received_at"


class NotificationListApi(_NominalList):
    serializer_class = NotificationOutput
    pagination_class = NotificationPagination
    purpose = "Partner system read of notifications received"

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=NotificationOutput(many=True),
        summary="Notifications the person made, newest first",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        return self.list_response(request, selectors.notifications_of)

    @extend_schema(
        tags=TAGS,
        request=NotificationInput,
        responses={201: NotificationOutput, 409: OpenApiTypes.OBJECT},
        summary="Record a notification the person made to another force",
        description="Recorded with channel `partner_force`. What was due is met and the next "
        "annual notification scheduled. Foreign travel needs `departs_at`, and `late_reason` "
        "when notice was under 7 days.",
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = self.nominal("change")
        data = NotificationInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            notification = services.notification_record(
                actor=request.user,
                nominal=nominal,
                channel=NotificationChannel.PARTNER_FORCE,
                **data.service_data(),
            )
        except IntegrityError:
            # The service locks the person first, so this is a race it did not foresee: the
            # client may retry; nothing was recorded (the transaction rolled back).
            return Response(
                {"detail": "Another change to this person's record was being saved; try again"},
                status=status.HTTP_409_CONFLICT,
            )
        notification = selectors.notifications_of(nominal).get(pk=notification.pk)
        return Response(NotificationOutput(notification).data, status=status.HTTP_201_CREATED)


class NotificationVerifyApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Nominal
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        request=NotificationVerifyInput,
        responses={200: NotificationOutput},
        summary="Record that what was notified was checked (addresses it added become verified)",
    )
    def post(self, request: StaffApiRequest, nominal_id: str, notification_id: str) -> Response:
        notification = selectors.notification_get(
            user=request.user,
            notification_id=notification_id,
            nominal_id=nominal_id,
            action="change",
        )
        data = NotificationVerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.notification_verify(
            actor=request.user, notification=notification, **data.validated_data
        )
        notification = selectors.notifications_of(notification.nominal).get(pk=notification.pk)
        return Response(NotificationOutput(notification).data)


# Due items ---------------------------------------------------------------------------------


class DueItemPagination(CursorPagination):
    ordering = "due_at"


class DueItemListApi(_NominalList):
    serializer_class = DueItemOutput
    pagination_class = DueItemPagination
    purpose = "Partner system read of due items"

    @extend_schema(
        tags=TAGS,
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=DueStatus.values),
        ],
        responses=DueItemOutput(many=True),
        summary="What falls due for the person, soonest first",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in DueStatus.values:
            raise serializers.ValidationError(
                {"status": [f"Choose one of: {', '.join(DueStatus.values)}"]}
            )

        def due_items(nominal: Nominal) -> Any:
            items = selectors.due_items_of(nominal)
            return items.filter(status=wanted) if wanted else items

        return self.list_response(request, due_items)


class AdvanceChangeNotMadeApi(APIView):
    """SOA 2003 s.84(4): a change notified in advance did not happen."""

    permission_classes = [RoleGate]
    gate_model = Nominal
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        request=NotificationPauseRemoveInput,
        responses={201: DueItemOutput(many=True)},
        summary="A change notified in advance did not happen: the person must now say so "
        "(SOA 2003 s.84(4)(b), within 6 days beginning with the date given)",
    )
    def post(self, request: StaffApiRequest, nominal_id: str, item_id: str) -> Response:
        item = selectors.due_item_get(
            user=request.user, item_id=item_id, nominal_id=nominal_id, action="change"
        )
        data = NotificationPauseRemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = services.advance_change_not_made(
            actor=request.user, due_item=item, reason=data.validated_data["reason"]
        )
        return Response(DueItemOutput(made, many=True).data, status=status.HTTP_201_CREATED)


# Time disregarded (custody, hospital, abroad) ---------------------------------------------------


class PausePagination(CursorPagination):
    ordering = ("-starts_on", "-id")  # type: ignore[assignment]  # DRF takes a tuple too


class NotificationPauseListApi(_NominalList):
    serializer_class = NotificationPauseOutput
    pagination_class = PausePagination
    purpose = "Partner system read of time disregarded in notification deadlines"

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=NotificationPauseOutput(many=True),
        summary="Time in custody, in hospital or abroad (SOA 2003 s.83(6)), latest first",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        return self.list_response(request, selectors.pauses_of)

    @extend_schema(
        tags=TAGS,
        request=NotificationPauseInput,
        responses={201: NotificationPauseOutput},
        summary="Record time in custody, in hospital or abroad: open deadlines move over it",
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = self.nominal("change")
        data = NotificationPauseInput(data=request.data)
        data.is_valid(raise_exception=True)
        pause = services.notification_pause_record(
            actor=request.user, nominal=nominal, **data.validated_data
        )
        return Response(NotificationPauseOutput(pause).data, status=status.HTTP_201_CREATED)


class NotificationPauseRemoveApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Nominal
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        request=NotificationPauseRemoveInput,
        responses={204: None},
        summary="Remove time recorded in error: deadlines move back (history keeps it)",
    )
    def post(self, request: StaffApiRequest, nominal_id: str, pause_id: str) -> Response:
        pause = selectors.pause_get(
            user=request.user, pause_id=pause_id, nominal_id=nominal_id, action="change"
        )
        data = NotificationPauseRemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.notification_pause_remove(
            actor=request.user, pause=pause, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# Breaches ----------------------------------------------------------------------------------


class BreachPagination(CursorPagination):
    ordering = ("-found_on", "-id")  # type: ignore[assignment]  # DRF takes a tuple too


class BreachListApi(_NominalList):
    serializer_class = BreachOutput
    pagination_class = BreachPagination
    purpose = "Partner system read of suspected breaches"

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=BreachOutput(many=True),
        summary="Suspected breaches of the notification requirements",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        return self.list_response(request, selectors.breaches_of)

    @extend_schema(
        tags=TAGS,
        request=BreachInput,
        responses={201: BreachOutput},
        summary="Record a suspected breach",
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = self.nominal("change")
        data = BreachInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        due_item_id = values.pop("due_item", None)
        due_item = None
        if due_item_id is not None:
            due_item = (
                selectors.casework_due_items().filter(nominal=nominal, pk=due_item_id).first()
            )
            if due_item is None:
                raise serializers.ValidationError(
                    {"due_item": ["Choose one of this person's due items"]}
                )
        breach = services.breach_record(
            actor=request.user, nominal=nominal, due_item=due_item, **values
        )
        return with_etag(
            Response(BreachOutput(breach).data, status=status.HTTP_201_CREATED),
            breach_etag(breach),
        )


class BreachItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Nominal

    @extend_schema(
        tags=TAGS, parameters=[PURPOSE_HEADER], responses=BreachOutput, summary="Read a breach"
    )
    def get(self, request: StaffApiRequest, breach_id: str) -> Response:
        breach = selectors.breach_get(user=request.user, breach_id=breach_id)
        log_api_reads(request, [breach.nominal], "Partner system read of a suspected breach")
        return with_etag(Response(BreachOutput(breach).data), breach_etag(breach))

    @extend_schema(
        tags=TAGS,
        request=BreachUpdateInput,
        responses=BreachOutput,
        parameters=[IF_MATCH_HEADER],
        summary="Escalate a breach, or close it with an outcome",
        description='`{"action": "escalate", "urgent_meeting": true, "reason": "..."}` asks the '
        "lead agency's MAPPA coordinators for an urgent MAPP meeting; "
        '`{"action": "close", "outcome": "charge", "outcome_on": "2026-03-02", "reason": "..."}` '
        "closes it (a `conviction` outcome names one of the person's convictions).",
    )
    @if_match_write
    def patch(self, request: StaffApiRequest, breach_id: str) -> Response:
        breach = selectors.breach_get(user=request.user, breach_id=breach_id, action="change")
        check_if_match(request, breach, breach_etag)
        data = BreachUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["action"] == "escalate":
            services.breach_escalate(
                actor=request.user,
                breach=breach,
                urgent_meeting=values["urgent_meeting"],
                reason=values["reason"],
            )
        else:
            conviction = None
            if values.get("conviction"):
                conviction = Conviction.objects.filter(
                    nominal_id=breach.nominal_id, pk=values["conviction"]
                ).first()
                if conviction is None:
                    raise serializers.ValidationError(
                        {"conviction": ["Choose one of this person's convictions"]}
                    )
            services.breach_close(
                actor=request.user,
                breach=breach,
                outcome=values["outcome"],
                outcome_on=values["outcome_on"],
                conviction=conviction,
                reason=values["reason"],
            )
        breach = selectors.breach_get(user=request.user, breach_id=breach_id)
        return with_etag(Response(BreachOutput(breach).data), breach_etag(breach))


# Tasks -------------------------------------------------------------------------------------


class TaskListApi(generics.GenericAPIView[Task]):
    permission_classes = [RoleGate]
    gate_model = Task
    serializer_class = TaskOutput
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=TaskStatus.values),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=TaskKind.values),
        ],
        responses=TaskOutput(many=True),
        summary="The caller's own tasks, newest first",
    )
    def get(self, request: StaffApiRequest) -> Response:
        params = request.query_params
        errors = {
            name: [f"Choose one of: {', '.join(choices)}"]
            for name, choices in (("status", TaskStatus.values), ("kind", TaskKind.values))
            if params.get(name) and params[name] not in choices
        }
        if errors:
            raise serializers.ValidationError(errors)
        tasks = selectors.tasks_of(user=request.user)
        for name in ("status", "kind"):
            if params.get(name):
                tasks = tasks.filter(**{name: params[name]})
        page = self.paginate_queryset(tasks)
        assert page is not None  # noqa: S101 - cursor pagination is always on
        nominals = {task.nominal_id: task.nominal for task in page}
        if nominals:
            log_api_reads(request, nominals.values(), "Partner system read of tasks")
        return self.get_paginated_response(TaskOutput(page, many=True).data)


class TaskCompleteApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Task

    @extend_schema(
        tags=TAGS,
        request=TaskCompleteInput,
        responses=TaskOutput,
        summary="Mark one of the caller's tasks done, saying what was done",
    )
    def post(self, request: StaffApiRequest, task_id: str) -> Response:
        task = selectors.task_get(user=request.user, task_id=task_id)
        data = TaskCompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.task_complete(
            actor=request.user, task=task, outcome=data.validated_data["outcome"]
        )
        return Response(TaskOutput(task).data)


__all__ = [
    "BreachItemApi",
    "BreachListApi",
    "DueItemListApi",
    "NotificationListApi",
    "RequirementSetApi",
    "TaskCompleteApi",
    "TaskListApi",
]


# Review of indefinite notification requirements (SOA 2003 s.91A-F as applied) -------------


class IndefiniteReviewApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Nominal
    request: StaffApiRequest

    @extend_schema(
        tags=TAGS,
        request=IndefiniteReviewInput,
        responses={201: IndefiniteReviewOutput},
        summary="Record a review decision on indefinite notification requirements, with reasons",
    )
    def post(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
        period = selectors.indefinite_period(nominal=nominal)
        if period is None:
            raise Http404
        data = IndefiniteReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.indefinite_review_decide(
            actor=request.user, registration=period.registration, **data.validated_data
        )
        return Response(IndefiniteReviewOutput(review).data, status=status.HTTP_201_CREATED)
