from django.urls import path

from education.views import clinician as views

app_name = "clinic"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
