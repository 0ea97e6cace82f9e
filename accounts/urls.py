from django.urls import path

from accounts import views

urlpatterns = [
    path("invitation/<str:uidb64>/<str:token>/", views.invitation, name="account-invitation"),
    path("reset/<str:uidb64>/<str:token>/", views.reset, name="account-reset"),
    path("password-set/", views.password_set, name="account-password-set"),
    path("password/", views.password_change, name="account-password-change"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("staff/<int:staff_id>/", views.staff_account_history, name="staff-account-history"),
    path("staff/<int:staff_id>/reset-link/", views.staff_reset_link, name="staff-reset-link"),
    path("staff/<int:staff_id>/invitation/", views.staff_invitation, name="staff-invitation"),
    path("staff/<int:staff_id>/unlock/", views.staff_unlock, name="staff-unlock"),
]
