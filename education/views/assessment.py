"""The teach-back page at the end of a stage: one question answered in the
patient's own words. Thin: access → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import patient_required
from education import access, services
from education.models.assessment import TEACH_BACK_MAX_LENGTH
from education.readiness import StageState
from education.selectors.progress import patient_state
from portal.net import client_ip


def _page(request, stage, text, *, message="", status=200) -> HttpResponse:
    return render(
        request,
        "education/patient/teach_back.html",
        {
            "stage": stage,
            "text": text,
            "message": message,
            "max_length": TEACH_BACK_MAX_LENGTH,
        },
        status=status,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def teach_back(request: HttpRequest, module_slug: str) -> HttpResponse:
    enrollment = access.get_enrollment_for_patient(request.user)
    state = patient_state(enrollment)
    stage = next((s for s in state.stages if s.module.slug == module_slug), None)
    if stage is None or not stage.module.teach_back.strip():
        raise Http404
    if stage.state != StageState.COMPLETED:
        return redirect("education:quiz", module_slug)
    saved = state.raw.teach_backs.get(stage.module.pk)
    if request.method == "GET":
        return _page(request, stage, saved.text if saved else "")
    text = request.POST.get("text", "")
    try:
        services.teach_back_save(
            enrollment=enrollment, module=stage.module, text=text, ip=client_ip(request)
        )
    except services.EducationError as error:
        return _page(request, stage, text, message=str(error), status=400)
    messages.success(request, _("Your answer is saved. Your clinician will read it."))
    return redirect("education:home")
