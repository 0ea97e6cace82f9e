from django.urls import path

from imports import views

urlpatterns = [
    path("imports/", views.run_list, name="import-list"),
    path("imports/new/", views.run_upload, name="import-upload"),
    path("imports/<str:run_id>/", views.run_detail, name="import-run"),
    path("imports/<str:run_id>/progress/", views.run_progress, name="import-run-progress"),
    path("imports/<str:run_id>/errors.csv", views.run_errors_csv, name="import-run-errors"),
    path("imports/<str:run_id>/import/", views.run_import, name="import-run-import"),
]
