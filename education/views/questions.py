"""The patient's own questions for the consultation under /learn/questions/:
add, edit, delete. Forms post and redirect (no htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import patient_required
from education import access, services
from education.forms.patient import PatientQuestionForm
from education.selectors.patient import patient_questions_list
from portal.net import client_ip

from .patient import TEMPLATES, _enrollment, _no_pathway


def _question_form(request, *, form, save, success: str, template: str, context):
    """Show or handle a question form: on success a message and back to the list
    (post/redirect/get); on a problem the form again with status 400. ``context``
    is called only when a page is rendered."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data["text"])
            except services.EducationError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, success)
                return redirect("education:questions")
        status = 400
    return render(request, TEMPLATES + template, {"form": form, **context()}, status=status)


@patient_required
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest) -> HttpResponse:
    enrollment = _enrollment(request)
    if enrollment is None:
        return _no_pathway(request)
    return _question_form(
        request,
        form=PatientQuestionForm(request.POST or None),
        save=lambda text: services.patient_question_add(
            enrollment=enrollment, text=text, ip=client_ip(request)
        ),
        success=_("Your question is added."),
        template="questions.html",
        context=lambda: {"questions": patient_questions_list(enrollment)},
    )


@patient_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = access.get_patient_question_for_patient(request.user, question_id)
    return _question_form(
        request,
        form=PatientQuestionForm(request.POST or None, initial={"text": question.text}),
        save=lambda text: services.patient_question_update(
            question=question, text=text, ip=client_ip(request)
        ),
        success=_("Your question is updated."),
        template="question_edit.html",
        context=lambda: {"question": question},
    )


@patient_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    question = access.get_patient_question_for_patient(request.user, question_id)
    if request.method == "POST":
        services.patient_question_delete(question=question, ip=client_ip(request))
        messages.success(request, _("Your question is deleted."))
        return redirect("education:questions")
    return render(request, TEMPLATES + "question_delete.html", {"question": question})
