from django.urls import path

from education.views import patient as views

app_name = "education"

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.questions, name="questions"),
    path("summary/", views.summary, name="summary"),
    path("<slug:module_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson-detail"),
]
