from django.urls import path

from register import views

urlpatterns = [
    path("nominals/", views.nominal_list, name="nominal-list"),
    path("nominals/new/", views.nominal_create, name="nominal-create"),
    path("nominals/<str:nominal_id>/", views.nominal_detail, name="nominal-detail"),
    path("nominals/<str:nominal_id>/share/", views.nominal_share, name="nominal-share"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff-edit"),
    path("staff/<int:staff_id>/active/", views.staff_set_active, name="staff-set-active"),
    path("audit/", views.audit_log, name="audit-log"),
]
