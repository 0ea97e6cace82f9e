"""API routes of the victims app, under /api/v1/ (see register.api_urls.api_path)."""

from django.urls import URLPattern, URLResolver

from register.api_urls import api_path
from victims import api

urlpatterns: list[URLPattern | URLResolver] = [
    api_path("victims/", api.VictimListApi.as_view(), "api-victim-list"),
    api_path("victims/<str:victim_id>/", api.VictimItemApi.as_view(), "api-victim-detail"),
    api_path(
        "victims/<str:victim_id>/contact-details/",
        api.ContactDetailsApi.as_view(),
        "api-victim-contact-details",
    ),
    api_path("victims/<str:victim_id>/links/", api.VictimLinkListApi.as_view(), "api-victim-links"),
    api_path(
        "victims/<str:victim_id>/contacts/",
        api.VictimContactListApi.as_view(),
        "api-victim-contacts",
    ),
    api_path(
        "victims/<str:victim_id>/representations/",
        api.RepresentationListApi.as_view(),
        "api-victim-representations",
    ),
    api_path(
        "victims/<str:victim_id>/scheme-offer/", api.SchemeOfferApi.as_view(), "api-victim-offer"
    ),
    api_path(
        "nominals/<str:nominal_id>/victims/", api.NominalVictimsApi.as_view(), "api-nominal-victims"
    ),
    api_path("victims/<str:victim_id>/grants/", api.GrantListApi.as_view(), "api-victim-grants"),
    api_path(
        "victims/<str:victim_id>/grants/<str:grant_id>/revoke/",
        api.GrantRevokeApi.as_view(),
        "api-victim-grant-revoke",
    ),
    api_path(
        "victims/<str:victim_id>/allocation/", api.AllocationApi.as_view(), "api-victim-allocation"
    ),
    api_path("disclosures/", api.DisclosureListApi.as_view(), "api-disclosure-list"),
    api_path(
        "disclosures/<str:case_id>/", api.DisclosureItemApi.as_view(), "api-disclosure-detail"
    ),
    api_path(
        "disclosures/<str:case_id>/checks/",
        api.DisclosureChecksApi.as_view(),
        "api-disclosure-checks",
    ),
    api_path(
        "disclosures/<str:case_id>/decision/",
        api.DisclosureDecisionApi.as_view(),
        "api-disclosure-decision",
    ),
    api_path(
        "disclosures/<str:case_id>/outcome/",
        api.DisclosureOutcomeApi.as_view(),
        "api-disclosure-outcome",
    ),
]
