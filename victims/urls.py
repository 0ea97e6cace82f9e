"""Staff pages of the victims app (included at the site root by config/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from victims import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("victims/", views.victims_home, name="victims-home"),
    path("victims/<uuid:victim_id>/", views.victim_detail, name="victim-detail"),
    path(
        "victims/<uuid:victim_id>/contact-details/",
        views.contact_details_edit,
        name="victim-contact-details",
    ),
    path("victims/<uuid:victim_id>/allocate/", views.victim_allocate, name="victim-allocate"),
    path("victims/<uuid:victim_id>/scheme-offer/", views.scheme_offer, name="victim-offer"),
    path("victims/<uuid:victim_id>/contacts/new/", views.contact_create, name="victim-contact-add"),
    path(
        "victims/<uuid:victim_id>/representations/new/",
        views.representation_create,
        name="representation-add",
    ),
    path(
        "victims/<uuid:victim_id>/representations/<uuid:representation_id>/outcome/",
        views.representation_outcome,
        name="representation-outcome",
    ),
    path("victims/<uuid:victim_id>/grants/new/", views.grant_create, name="victim-grant-add"),
    path(
        "victims/<uuid:victim_id>/grants/<uuid:grant_id>/revoke/",
        views.grant_revoke,
        name="victim-grant-revoke",
    ),
    path("nominals/<uuid:nominal_id>/victims/", views.nominal_victims, name="nominal-victims"),
    path("nominals/<uuid:nominal_id>/victims/new/", views.victim_create, name="victim-create"),
    path("nominals/<uuid:nominal_id>/victims/link/", views.victim_link, name="victim-link"),
    path(
        "nominals/<uuid:nominal_id>/victims/also-a-victim/",
        views.victim_misidentified,
        name="victim-misidentified",
    ),
    path("disclosures/", views.disclosure_list, name="disclosure-list"),
    path("disclosures/new/", views.disclosure_create, name="disclosure-create"),
    path("disclosures/<uuid:case_id>/", views.disclosure_detail, name="disclosure-detail"),
    path("disclosures/<uuid:case_id>/<slug:step>/", views.disclosure_step, name="disclosure-step"),
]
