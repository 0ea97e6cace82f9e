from django.urls import path

from register import reference_views as views

urlpatterns = [
    path("offences/", views.offence_list, name="reference-offences"),
    path("offences/<int:offence_id>/", views.offence_edit, name="reference-offence-edit"),
    path("criteria/", views.criteria_list, name="reference-criteria"),
    path("criteria/<slug:key>/", views.criteria_edit, name="reference-criteria-edit"),
    path("rules/", views.rule_figures, name="reference-rule-figures"),
    path("priority-weights/", views.priority_weights_edit, name="reference-priority-weights"),
]
