"""/api/v1/mappa/: cases, referrals, meetings, actions, plans and home visits.

On the register API's conventions: the role gate (404 to roles that may not see
MAPPA records), records reached through the access gate (404 for a nominal the
client's agency may not see), reads logged with the X-Purpose the client sent,
cursor pagination, field-by-field errors, and ETag / If-Match on updates.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from mappa import selectors, services
from mappa.models import (
    CaseStatus,
    HomeVisit,
    MappaCase,
    Meeting,
    MeetingAction,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
)
from mappa.serializers import (
    ActionOutput,
    ActionUpdateInput,
    ApprovalInput,
    ArchiveInput,
    ArchiveReviewInput,
    ArchiveReviewOutput,
    CaseInput,
    CaseOutput,
    CaseUpdateInput,
    ConsiderationInput,
    ConsiderationOutput,
    DecisionInput,
    EligibilityOutput,
    MeetingDetailOutput,
    MeetingInput,
    MeetingOutput,
    PlanInput,
    PlanOutput,
    ReferralInput,
    ReferralOutput,
    TerminationInput,
    VisitInput,
    VisitOutput,
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
from register.models import Agency, Nominal, Role, StaffUser
from register.requests import StaffApiRequest

TAGS = ["mappa"]


def case_etag(case: MappaCase) -> str:
    return etag_for(f"{case.pk}:{case.updated_at.isoformat()}:{case.level}:{case.status}")


def action_etag(action: MeetingAction) -> str:
    return etag_for(f"{action.pk}:{action.status}:{action.outcome}")


def _choice(params: Any, name: str, choices: list[Any], cast: Any = str) -> Any:
    value = params.get(name, "")
    if not value:
        return None
    try:
        value = cast(value)
    except (TypeError, ValueError):
        value = None
    if value not in choices:
        raise serializers.ValidationError(
            {name: [f"Choose one of: {', '.join(str(c) for c in choices)}"]}
        )
    return value


# One answer for a username nobody has and for staff the page's picker does not offer, so
# the API does not tell who works where.
MANAGER_NOT_OFFERED = "Choose a member of staff of the lead agency in a casework role"
CHAIR_NOT_OFFERED = "Choose a member of staff of your agency in a casework role"


def _staff(username: str | None, field: str, choices: Any, message: str) -> StaffUser:
    user = choices.filter(username=username or "").first()
    if user is None:
        raise serializers.ValidationError({field: [message]})
    return user  # type: ignore[no-any-return]


def _nominal(request: StaffApiRequest, nominal_id: Any, action: str = "change") -> Nominal:
    try:
        return selectors.nominal_get(user=request.user, nominal_id=nominal_id, action=action)  # type: ignore[arg-type]
    except Http404 as exc:
        raise serializers.ValidationError({"nominal": ["No such person on the register"]}) from exc


class _List(generics.GenericAPIView[Any]):
    permission_classes = [RoleGate]
    gate_model: type[Model] = MappaCase
    request: StaffApiRequest
    purpose = ""

    def page_response(self, queryset: Any, nominal_of: Any) -> Response:
        page = self.paginate_queryset(queryset)
        assert page is not None  # noqa: S101 - cursor pagination is always on
        nominals = {n.pk: n for n in (nominal_of(row) for row in page)}
        if nominals:
            log_api_reads(self.request, nominals.values(), self.purpose)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def case_rows_response(self, case_id: str, rows_of: Any) -> Response:
        """One page of a case's plans or visits; reading the case is logged against its nominal
        (even when the page is empty: the case itself was read)."""
        case = selectors.case_get(user=self.request.user, case_id=case_id)
        page = self.paginate_queryset(rows_of(case))
        assert page is not None  # noqa: S101 - cursor pagination is always on
        log_api_reads(self.request, [case.nominal], self.purpose)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# Cases ---------------------------------------------------------------------------------


class CasePagination(CursorPagination):
    ordering = ("-start_date", "id")  # type: ignore[assignment]


class CaseListApi(_List):
    queryset = MappaCase.objects.none()  # for the schema's path parameters
    serializer_class = CaseOutput
    pagination_class = CasePagination
    purpose = "Partner system read of MAPPA cases"

    @extend_schema(
        tags=TAGS,
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values),
            OpenApiParameter("category", OpenApiTypes.INT, enum=[1, 2, 3, 4]),
            OpenApiParameter("level", OpenApiTypes.INT, enum=[1, 2, 3]),
            OpenApiParameter("nominal", OpenApiTypes.UUID),
            OpenApiParameter("manager", OpenApiTypes.STR, description="Username"),
        ],
        responses=CaseOutput(many=True),
        summary="MAPPA cases of people the caller's agency may see",
    )
    def get(self, request: StaffApiRequest) -> Response:
        params = request.query_params
        cases = selectors.cases_for(request.user)
        filters = {
            "status": _choice(params, "status", CaseStatus.values),
            "category": _choice(params, "category", [1, 2, 3, 4], int),
            "level": _choice(params, "level", [1, 2, 3], int),
        }
        cases = cases.filter(**{k: v for k, v in filters.items() if v is not None})
        if params.get("nominal"):
            try:
                cases = cases.filter(nominal_id=params["nominal"]).filter(pk__isnull=False)
                list(cases[:0])
            except Exception as exc:  # a malformed UUID
                raise serializers.ValidationError({"nominal": ["Give a person's id"]}) from exc
        if params.get("manager"):
            cases = cases.filter(responsible_manager__username=params["manager"])
        return self.page_response(cases, lambda c: c.nominal)

    @extend_schema(tags=TAGS, request=CaseInput, responses={201: CaseOutput}, summary="Open a case")
    def post(self, request: StaffApiRequest) -> Response:
        data = CaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        nominal = _nominal(request, values.pop("nominal"))
        manager = _staff(
            values.pop("responsible_manager"),
            "responsible_manager",
            selectors.manager_choices(nominal=nominal),
            MANAGER_NOT_OFFERED,
        )
        case = services.case_open(
            actor=request.user, nominal=nominal, responsible_manager=manager, **values
        )
        return with_etag(
            Response(CaseOutput(case).data, status=status.HTTP_201_CREATED), case_etag(case)
        )


class CaseItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(tags=TAGS, parameters=[PURPOSE_HEADER], responses=CaseOutput, summary="A case")
    def get(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id)
        log_api_reads(request, [case.nominal], "Partner system read of a MAPPA case")
        return with_etag(Response(CaseOutput(case).data), case_etag(case))

    @extend_schema(
        tags=TAGS,
        request=CaseUpdateInput,
        responses=CaseOutput,
        parameters=[IF_MATCH_HEADER],
        summary="Change the case's level (who, when and why are recorded)",
    )
    @if_match_write
    def patch(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id, action="change")
        check_if_match(request, case, case_etag)
        data = CaseUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_change_level(actor=request.user, case=case, **data.validated_data)
        case = selectors.case_get(user=request.user, case_id=case_id)
        return with_etag(Response(CaseOutput(case).data), case_etag(case))


class CaseTerminationApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        request=TerminationInput,
        responses=CaseOutput,
        parameters=[IF_MATCH_HEADER],
        summary="End a case: a reason valid for its category and an approved closing plan",
    )
    @if_match_write
    def post(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id, action="change")
        check_if_match(request, case, case_etag)
        data = TerminationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting_id = values.pop("meeting")
        meeting = None
        if meeting_id is not None:
            meeting = selectors.meetings_for(request.user).filter(pk=meeting_id).first()
            if meeting is None:
                raise serializers.ValidationError({"meeting": ["Choose a meeting you may see"]})
        services.case_terminate(actor=request.user, case=case, meeting=meeting, **values)
        case = selectors.case_get(user=request.user, case_id=case_id)
        return with_etag(Response(CaseOutput(case).data), case_etag(case))


def _coordinators_case(request: StaffApiRequest, case_id: str) -> MappaCase:
    """Archiving is for a MAPPA coordinator of the lead agency; to anyone else, no such case."""
    case = selectors.case_get(user=request.user, case_id=case_id, action="change")
    if not services.is_coordinator_of(request.user, case.lead_agency_id):
        raise Http404
    return case


class CaseArchiveApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        request=ArchiveInput,
        responses=CaseOutput,
        parameters=[IF_MATCH_HEADER],
        summary="Archive a terminated case (coordinators); the first review falls due 2 years on",
    )
    @if_match_write
    def post(self, request: StaffApiRequest, case_id: str) -> Response:
        case = _coordinators_case(request, case_id)
        check_if_match(request, case, case_etag)
        data = ArchiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_archive(actor=request.user, case=case, **data.validated_data)
        case = selectors.case_get(user=request.user, case_id=case_id)
        return with_etag(Response(CaseOutput(case).data), case_etag(case))


class ArchiveReviewApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        request=ArchiveReviewInput,
        responses={201: ArchiveReviewOutput},
        summary="Record an archive review and its decision (coordinators); the next falls due",
    )
    def post(self, request: StaffApiRequest, case_id: str) -> Response:
        case = _coordinators_case(request, case_id)
        data = ArchiveReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.archive_review_record(
            actor=request.user, case=case, **data.validated_data
        )
        return Response(ArchiveReviewOutput(review).data, status=status.HTTP_201_CREATED)


# Referrals -------------------------------------------------------------------------------


class ReferralPagination(CursorPagination):
    ordering = ("-created_at", "id")  # type: ignore[assignment]


class ReferralListApi(_List):
    queryset = Referral.objects.none()  # for the schema's path parameters
    serializer_class = ReferralOutput
    pagination_class = ReferralPagination
    purpose = "Partner system read of MAPPA referrals"

    @extend_schema(
        tags=TAGS,
        parameters=[
            PURPOSE_HEADER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=ReferralStatus.values),
            OpenApiParameter(
                "addressed_to_me", OpenApiTypes.BOOL, description="Only those for my agency"
            ),
        ],
        responses=ReferralOutput(many=True),
        summary="Referrals about people the caller's agency may see (rejected ones included)",
    )
    def get(self, request: StaffApiRequest) -> Response:
        params = request.query_params
        referrals = selectors.referrals_for(request.user)
        wanted = _choice(params, "status", ReferralStatus.values)
        if wanted:
            referrals = referrals.filter(status=wanted)
        if params.get("addressed_to_me") in ("1", "true"):
            referrals = referrals.filter(addressed_to_id=request.user.agency_id)
        return self.page_response(referrals, lambda r: r.nominal)

    @extend_schema(
        tags=TAGS, request=ReferralInput, responses={201: ReferralOutput}, summary="Refer a person"
    )
    def post(self, request: StaffApiRequest) -> Response:
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        nominal = _nominal(request, values.pop("nominal"), action="view")
        referral = services.referral_create(actor=request.user, nominal=nominal, **values)
        referral = selectors.referrals_for(request.user).get(pk=referral.pk)
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)


class ReferralItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS, parameters=[PURPOSE_HEADER], responses=ReferralOutput, summary="A referral"
    )
    def get(self, request: StaffApiRequest, referral_id: str) -> Response:
        referral = selectors.referral_get(user=request.user, referral_id=referral_id)
        log_api_reads(request, [referral.nominal], "Partner system read of a MAPPA referral")
        return Response(ReferralOutput(referral).data)


class ReferralDecisionApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        request=DecisionInput,
        responses=ReferralOutput,
        summary="Accept (opening the case) or reject a referral: the coordinator addressed only",
    )
    def post(self, request: StaffApiRequest, referral_id: str) -> Response:
        referral = selectors.referral_get(user=request.user, referral_id=referral_id, decide=True)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        manager = values.pop("responsible_manager", None)
        services.referral_decide(
            actor=request.user,
            referral=referral,
            responsible_manager=_staff(
                manager,
                "responsible_manager",
                selectors.manager_choices(nominal=referral.nominal),
                MANAGER_NOT_OFFERED,
            )
            if manager
            else None,
            **values,
        )
        referral = selectors.referral_get(user=request.user, referral_id=referral_id)
        return Response(ReferralOutput(referral).data)


# Meetings and actions ---------------------------------------------------------------------


class MeetingPagination(CursorPagination):
    ordering = ("-scheduled_at", "id")  # type: ignore[assignment]


class MeetingListApi(_List):
    queryset = Meeting.objects.none()  # for the schema's path parameters
    serializer_class = MeetingOutput
    pagination_class = MeetingPagination
    gate_model = Meeting

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=MeetingOutput(many=True),
        summary="Meetings the caller's agency chairs or attends, newest first",
    )
    def get(self, request: StaffApiRequest) -> Response:
        meetings = selectors.meetings_for(request.user).prefetch_related("attending_agencies")
        page = self.paginate_queryset(meetings)
        assert page is not None  # noqa: S101
        return self.get_paginated_response(MeetingOutput(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=MeetingInput,
        responses={201: MeetingOutput},
        summary="Schedule a Level 2/3 meeting chaired by your agency (MAPPA coordinators)",
    )
    def post(self, request: StaffApiRequest) -> Response:
        if not request.user.has_role(Role.MAPPA_COORDINATOR):
            raise Http404
        data = MeetingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        codes = values.pop("attending_agencies")
        agencies = list(Agency.objects.filter(code__in=codes))
        if len(agencies) != len(set(codes)):
            raise serializers.ValidationError({"attending_agencies": ["Give known agency codes"]})
        ids = values.pop("cases")
        cases = list(selectors.cases_for(request.user, "change").filter(pk__in=ids))
        if len(cases) != len(set(ids)):
            raise serializers.ValidationError({"cases": ["Give cases your agency may change"]})
        meeting = services.meeting_schedule(
            actor=request.user,
            chair=_staff(
                values.pop("chair"),
                "chair",
                selectors.staff_choices(user=request.user),
                CHAIR_NOT_OFFERED,
            ),
            attending_agencies=agencies,
            cases=cases,
            **values,
        )
        meeting = selectors.meetings_for(request.user).get(pk=meeting.pk)
        return Response(MeetingOutput(meeting).data, status=status.HTTP_201_CREATED)


class MeetingItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Meeting

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=MeetingDetailOutput,
        summary="A meeting with the cases the caller may see (others only counted) and minutes",
    )
    def get(self, request: StaffApiRequest, meeting_id: str) -> Response:
        page = selectors.meeting_page(user=request.user, meeting_id=meeting_id)
        nominals = [row.case.nominal for row in page.cases]
        if nominals:
            log_api_reads(request, nominals, "Partner system read of a MAPP meeting")
        meeting = page.meeting
        meeting._prefetched_objects_cache = {"attending_agencies": page.attending}  # type: ignore[attr-defined]
        return Response(
            MeetingDetailOutput(
                meeting, context={"cases": page.cases, "withheld": page.withheld}
            ).data
        )


class ActionPagination(CursorPagination):
    ordering = ("due_on", "id")  # type: ignore[assignment]


class ActionListApi(_List):
    queryset = MeetingAction.objects.none()  # for the schema's path parameters
    serializer_class = ActionOutput
    pagination_class = ActionPagination
    gate_model = Meeting
    purpose = "Partner system read of MAPP meeting actions"

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=ActionOutput(many=True),
        summary="A meeting's actions about people the caller may see",
    )
    def get(self, request: StaffApiRequest, meeting_id: str) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        actions = MeetingAction.objects.filter(
            meeting=meeting, case__nominal__in=selectors.visible_nominals(request.user)
        ).select_related("owner", "case__nominal")
        return self.page_response(actions, lambda a: a.case.nominal)


class ActionItemApi(APIView):
    permission_classes = [RoleGate]
    gate_model = Meeting

    @extend_schema(
        tags=TAGS,
        request=ActionUpdateInput,
        responses=ActionOutput,
        parameters=[IF_MATCH_HEADER],
        summary="Close an action (its owner, or the chairing agency)",
    )
    @if_match_write
    def patch(self, request: StaffApiRequest, action_id: str) -> Response:
        action = selectors.action_get(user=request.user, action_id=action_id)
        check_if_match(request, action, action_etag)
        data = ActionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_complete(actor=request.user, action=action, **data.validated_data)
        action.refresh_from_db()
        return with_etag(Response(ActionOutput(action).data), action_etag(action))

    @extend_schema(
        tags=TAGS, parameters=[PURPOSE_HEADER], responses=ActionOutput, summary="An action"
    )
    def get(self, request: StaffApiRequest, action_id: str) -> Response:
        action = selectors.action_get(user=request.user, action_id=action_id)
        log_api_reads(request, [action.case.nominal], "Partner system read of a MAPP action")
        return with_etag(Response(ActionOutput(action).data), action_etag(action))


# Plans and visits -------------------------------------------------------------------------


class PlanPagination(CursorPagination):
    ordering = ("-version", "id")  # type: ignore[assignment]


class PlanListApi(_List):
    queryset = RiskManagementPlan.objects.none()  # for the schema's path parameters
    serializer_class = PlanOutput
    pagination_class = PlanPagination
    purpose = "Partner system read of risk management plans"

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=PlanOutput(many=True),
        summary="A case's plan versions (in_force only once approved)",
    )
    def get(self, request: StaffApiRequest, case_id: str) -> Response:
        return self.case_rows_response(case_id, selectors.plans_of)

    @extend_schema(
        tags=TAGS,
        request=PlanInput,
        responses={201: PlanOutput},
        summary="Write a new version (not in force until approved)",
    )
    def post(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id, action="change")
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_write(actor=request.user, case=case, **data.validated_data)
        return Response(PlanOutput(plan).data, status=status.HTTP_201_CREATED)


class PlanApprovalApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        request=ApprovalInput,
        responses=PlanOutput,
        summary="Approve a plan: a supervisor or coordinator of the manager's agency, not its author",
    )
    def post(self, request: StaffApiRequest, plan_id: str) -> Response:
        plan: RiskManagementPlan = selectors.plan_get(
            user=request.user, plan_id=plan_id, action="change"
        )
        data = ApprovalInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_approve(actor=request.user, plan=plan, **data.validated_data)
        return Response(PlanOutput(plan).data)


class VisitPagination(CursorPagination):
    ordering = ("-planned_on", "id")  # type: ignore[assignment]


class VisitListApi(_List):
    queryset = HomeVisit.objects.none()  # for the schema's path parameters
    serializer_class = VisitOutput
    pagination_class = VisitPagination
    purpose = "Partner system read of home visits"

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=VisitOutput(many=True),
        summary="A case's home visits",
    )
    def get(self, request: StaffApiRequest, case_id: str) -> Response:
        return self.case_rows_response(case_id, selectors.visits_of)

    @extend_schema(
        tags=TAGS,
        request=VisitInput,
        responses={201: VisitOutput},
        summary="Plan a visit (planned_on) or record one done (visited_on, outcome)",
    )
    def post(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id, action="change")
        if case.status != CaseStatus.ACTIVE:
            raise serializers.ValidationError({"non_field_errors": ["The case has ended"]})
        data = VisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visit: HomeVisit
        if values.get("planned_on"):
            visit = services.visit_plan(
                actor=request.user,
                case=case,
                planned_on=values["planned_on"],
                reason=values["reason"],
            )
        else:
            visit = services.visit_record(
                actor=request.user,
                case=case,
                visited_on=values["visited_on"],
                outcome=values.get("outcome", ""),
                concerns=values.get("concerns", ""),
            )
        return Response(VisitOutput(visit).data, status=status.HTTP_201_CREATED)


# The Category 3 consideration and eligibility -----------------------------------------------


class ConsiderationApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=ConsiderationOutput,
        summary="The Category 3 consideration recorded for a case (404 until recorded)",
    )
    def get(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id)
        record = selectors.consideration_of(case)
        if record is None:
            raise Http404
        log_api_reads(request, [case.nominal], "Partner system read of a Category 3 consideration")
        return Response(ConsiderationOutput(record).data)

    @extend_schema(
        tags=TAGS,
        request=ConsiderationInput,
        responses={201: ConsiderationOutput},
        summary="Record whether a Category 1, 2 or 4 case was considered for Category 3, the "
        "outcome and why (a referral to the coordinator when the outcome is refer)",
    )
    def post(self, request: StaffApiRequest, case_id: str) -> Response:
        case = selectors.case_get(user=request.user, case_id=case_id, action="change")
        data = ConsiderationInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.category_3_consideration_record(
            actor=request.user, case=case, **data.validated_data
        )
        return Response(ConsiderationOutput(record).data, status=status.HTTP_201_CREATED)


class EligibilityApi(APIView):
    permission_classes = [RoleGate]
    gate_model = MappaCase

    @extend_schema(
        tags=TAGS,
        parameters=[PURPOSE_HEADER],
        responses=EligibilityOutput,
        summary="Category 2 and 3 eligibility from the records today, each with its rule and "
        "source",
    )
    def get(self, request: StaffApiRequest, nominal_id: str) -> Response:
        nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
        found = selectors.eligibility(nominal)
        log_api_reads(request, [nominal], "Partner system read of MAPPA eligibility")

        def outcome(o: Any) -> dict[str, Any]:
            return {"eligible": o.eligible, "explanation": o.explanation, "rule": o.source}

        return Response(
            EligibilityOutput(
                {
                    "nominal": nominal.pk,
                    "category_2": outcome(found.category_2),
                    "category_2_current": outcome(found.category_2_current),
                    "category_3": outcome(found.category_3),
                }
            ).data
        )
