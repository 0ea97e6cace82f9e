"""Staff pages of the mappa app (included at the site root by config/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from mappa import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("mappa/", views.home, name="mappa-home"),
    path("mappa/referrals/", views.referral_list, name="mappa-referrals"),
    path(
        "mappa/referrals/<str:referral_id>/decide/",
        views.referral_decide,
        name="mappa-referral-decide",
    ),
    path("mappa/caseload/", views.caseload, name="mappa-caseload"),
    path("mappa/meetings/", views.meeting_list, name="mappa-meetings"),
    path("mappa/meetings/new/", views.meeting_create, name="mappa-meeting-create"),
    path("mappa/meetings/<str:meeting_id>/", views.meeting_detail, name="mappa-meeting"),
    path(
        "mappa/meetings/<str:meeting_id>/minutes/",
        views.meeting_minutes,
        name="mappa-meeting-minutes",
    ),
    path(
        "mappa/meetings/<str:meeting_id>/agenda/", views.meeting_agenda, name="mappa-meeting-agenda"
    ),
    path(
        "mappa/meetings/<str:meeting_id>/cases/<str:row_id>/",
        views.meeting_case,
        name="mappa-meeting-case",
    ),
    path(
        "mappa/meetings/<str:meeting_id>/actions/new/",
        views.action_create,
        name="mappa-action-create",
    ),
    path(
        "mappa/actions/<str:action_id>/close/", views.action_complete, name="mappa-action-complete"
    ),
    path("mappa/cases/<str:case_id>/level/", views.case_level, name="mappa-case-level"),
    path("mappa/cases/<str:case_id>/plans/new/", views.plan_create, name="mappa-plan-create"),
    path("mappa/cases/<str:case_id>/visits/new/", views.visit_create, name="mappa-visit-create"),
    path("mappa/cases/<str:case_id>/terminate/", views.case_terminate, name="mappa-case-terminate"),
    path("mappa/cases/<str:case_id>/archive/", views.case_archive, name="mappa-case-archive"),
    path(
        "mappa/cases/<str:case_id>/category-3/",
        views.category_3_consideration,
        name="mappa-category-3-consideration",
    ),
    path("mappa/rules/", views.rules_page, name="mappa-rules"),
    path(
        "mappa/cases/<str:case_id>/archive-review/",
        views.archive_review,
        name="mappa-archive-review",
    ),
    path("mappa/plans/<str:plan_id>/approve/", views.plan_approve, name="mappa-plan-approve"),
    path("mappa/visits/<str:visit_id>/record/", views.visit_record, name="mappa-visit-record"),
    path("nominals/<uuid:nominal_id>/mappa/", views.nominal_mappa, name="nominal-mappa"),
    path(
        "nominals/<uuid:nominal_id>/mappa/refer/",
        views.referral_create,
        name="mappa-referral-create",
    ),
    path("nominals/<uuid:nominal_id>/mappa/open/", views.case_open, name="mappa-case-open"),
]
