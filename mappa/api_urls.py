"""API routes of the mappa app, under /api/v1/ (see register.api_urls.api_path)."""

from django.urls import URLPattern, URLResolver

from mappa import api
from register.api_urls import api_path

urlpatterns: list[URLPattern | URLResolver] = [
    api_path("mappa/cases/", api.CaseListApi.as_view(), "api-mappa-case-list"),
    api_path("mappa/cases/<str:case_id>/", api.CaseItemApi.as_view(), "api-mappa-case-detail"),
    api_path("mappa/cases/<str:case_id>/plans/", api.PlanListApi.as_view(), "api-mappa-plan-list"),
    api_path(
        "mappa/cases/<str:case_id>/visits/", api.VisitListApi.as_view(), "api-mappa-visit-list"
    ),
    api_path(
        "mappa/cases/<str:case_id>/termination/",
        api.CaseTerminationApi.as_view(),
        "api-mappa-case-termination",
    ),
    api_path(
        "mappa/cases/<str:case_id>/archive/", api.CaseArchiveApi.as_view(), "api-mappa-case-archive"
    ),
    api_path(
        "mappa/cases/<str:case_id>/archive-reviews/",
        api.ArchiveReviewApi.as_view(),
        "api-mappa-archive-review",
    ),
    api_path(
        "mappa/cases/<str:case_id>/category-3-consideration/",
        api.ConsiderationApi.as_view(),
        "api-mappa-category-3-consideration",
    ),
    api_path(
        "mappa/eligibility/<str:nominal_id>/",
        api.EligibilityApi.as_view(),
        "api-mappa-eligibility",
    ),
    api_path(
        "mappa/plans/<str:plan_id>/approval/",
        api.PlanApprovalApi.as_view(),
        "api-mappa-plan-approval",
    ),
    api_path("mappa/referrals/", api.ReferralListApi.as_view(), "api-mappa-referral-list"),
    api_path(
        "mappa/referrals/<str:referral_id>/",
        api.ReferralItemApi.as_view(),
        "api-mappa-referral-detail",
    ),
    api_path(
        "mappa/referrals/<str:referral_id>/decision/",
        api.ReferralDecisionApi.as_view(),
        "api-mappa-referral-decision",
    ),
    api_path("mappa/meetings/", api.MeetingListApi.as_view(), "api-mappa-meeting-list"),
    api_path(
        "mappa/meetings/<str:meeting_id>/",
        api.MeetingItemApi.as_view(),
        "api-mappa-meeting-detail",
    ),
    api_path(
        "mappa/meetings/<str:meeting_id>/actions/",
        api.ActionListApi.as_view(),
        "api-mappa-action-list",
    ),
    api_path(
        "mappa/actions/<str:action_id>/", api.ActionItemApi.as_view(), "api-mappa-action-detail"
    ),
]
