"""/api/v1/ routes of the register."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path

from register import api, api_registration, api_safeguard, api_transfers
from register.services import DETAIL_KINDS


def api_path(route: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    """The API authenticates itself (token or session) and answers 401, never a sign-in redirect."""
    return path(route, login_not_required(view), name=name)


def _detail_routes() -> list[URLPattern]:
    routes = []
    for kind in DETAIL_KINDS:
        list_view, item_view = api.detail_views(kind)
        routes += [
            api_path(f"nominals/<str:nominal_id>/{kind}/", list_view.as_view(), f"api-{kind}-list"),
            api_path(
                f"nominals/<str:nominal_id>/{kind}/<str:detail_id>/",
                item_view.as_view(),
                f"api-{kind}-detail",
            ),
        ]
    return routes


urlpatterns = [
    api_path("me/", api.MeApi.as_view(), "api-me"),
    api_path("offences/", api.OffenceListApi.as_view(), "api-offence-list"),
    api_path("nominals/", api.NominalListApi.as_view(), "api-nominal-list"),
    api_path("nominals/search/", api.NominalSearchApi.as_view(), "api-nominal-search"),
    api_path("nominals/<str:nominal_id>/", api.NominalDetailApi.as_view(), "api-nominal-detail"),
    api_path(
        "nominals/<str:nominal_id>/eligibility/",
        api.NominalEligibilityApi.as_view(),
        "api-nominal-eligibility",
    ),
    # The misidentified-victim safeguard and registration decisions (register.api_safeguard).
    api_path(
        "nominals/<str:nominal_id>/registration/",
        api_safeguard.NominalRegistrationApi.as_view(),
        "api-nominal-registration",
    ),
    api_path(
        "nominals/<str:nominal_id>/misidentification/",
        api_safeguard.NominalMisidentificationApi.as_view(),
        "api-nominal-misidentification",
    ),
    api_path(
        "nominals/<str:nominal_id>/primary-aggressor-reviews/",
        api_safeguard.NominalAggressorReviewsApi.as_view(),
        "api-nominal-aggressor-reviews",
    ),
    # After the decision: notice, reviews and appeals, end (register.api_registration).
    api_path(
        "registrations/<str:registration_id>/notice/",
        api_registration.RegistrationNoticeApi.as_view(),
        "api-registration-notice",
    ),
    api_path(
        "registrations/<str:registration_id>/end/",
        api_registration.RegistrationEndApi.as_view(),
        "api-registration-end",
    ),
    api_path(
        "registrations/<str:registration_id>/reviews/",
        api_registration.RegistrationReviewsApi.as_view(),
        "api-registration-reviews",
    ),
    api_path(
        "registrations/<str:registration_id>/reviews/<str:review_id>/",
        api_registration.RegistrationReviewApi.as_view(),
        "api-registration-review",
    ),
    api_path(
        "registrations/<str:registration_id>/reviews/<str:review_id>/decision/",
        api_registration.RegistrationReviewDecisionApi.as_view(),
        "api-registration-review-decision",
    ),
    # Transfer of a record between agencies (register.api_transfers).
    api_path(
        "nominals/<str:nominal_id>/transfers/",
        api_transfers.NominalTransfersApi.as_view(),
        "api-nominal-transfers",
    ),
    api_path("transfers/", api_transfers.TransferListApi.as_view(), "api-transfer-list"),
    api_path(
        "transfers/<str:transfer_id>/",
        api_transfers.TransferDetailApi.as_view(),
        "api-transfer-detail",
    ),
    api_path(
        "transfers/<str:transfer_id>/accept/",
        api_transfers.TransferAcceptApi.as_view(),
        "api-transfer-accept",
    ),
    api_path(
        "transfers/<str:transfer_id>/reject/",
        api_transfers.TransferRejectApi.as_view(),
        "api-transfer-reject",
    ),
    api_path(
        "transfers/<str:transfer_id>/withdraw/",
        api_transfers.TransferWithdrawApi.as_view(),
        "api-transfer-withdraw",
    ),
    *_detail_routes(),
]
