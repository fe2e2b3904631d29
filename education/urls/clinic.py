from django.urls import path

from education.views import clinic as views

app_name = "clinic"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export-detail.csv", views.export_detail_csv, name="export-detail-csv"),
    path("patients/<id:patient_id>/", views.brief, name="brief"),
    path(
        "patients/<id:patient_id>/consultation/",
        views.consultation_update,
        name="consultation-update",
    ),
    path(
        "patients/<id:patient_id>/flags/<id:response_id>/discussed/",
        views.flag_discussed,
        name="flag-discussed",
    ),
    path("patients/<id:patient_id>/reviews/", views.review_create, name="review-create"),
    path("patients/<id:patient_id>/outcomes/", views.outcome_create, name="outcome-create"),
]
