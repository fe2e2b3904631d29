from django.urls import path

from education.views import preview as views

app_name = "preview"

urlpatterns = [
    path("lessons/<id:lesson_id>/", views.lesson_preview, name="lesson"),
]
