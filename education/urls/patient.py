from django.urls import path

from education.views import assessment, checklist, questions
from education.views import patient as views

app_name = "education"

# Fixed paths first: "checklist/5/" must not be read as a lesson of module "checklist".
urlpatterns = [
    path("", views.home, name="home"),
    path("checklist/", checklist.checklist, name="checklist"),
    path("checklist/<id:item_id>/", checklist.checklist_item_save, name="checklist-item"),
    path("questions/", questions.questions, name="questions"),
    path("questions/<id:question_id>/edit/", questions.question_edit, name="question-edit"),
    path("questions/<id:question_id>/delete/", questions.question_delete, name="question-delete"),
    path("summary/", views.summary, name="summary"),
    path("decision-check/", assessment.decision_check, name="decision-check"),
    path("expectations/<str:when>/", assessment.expectations, name="expectations"),
    path("<slug:module_slug>/quiz/", views.quiz, name="quiz"),
    path("<slug:module_slug>/quiz/result/<id:number>/", views.quiz_result, name="quiz-result"),
    path("<slug:module_slug>/teach-back/", assessment.teach_back, name="teach-back"),
    path("<slug:module_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson-detail"),
    path(
        "<slug:module_slug>/<slug:lesson_slug>/read/",
        views.lesson_complete,
        name="lesson-complete",
    ),
]
