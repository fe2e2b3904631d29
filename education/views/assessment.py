"""What the patient says about their own understanding and decision: the
teach-back at the end of a stage (one question in their own words), the
decision check (SURE) before the consultation, and their expectations before
and after the expectations stage. Thin: access → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import patient_required
from education import access, services
from education.forms.selfcheck import SelfCheckForm
from education.models.assessment import TEACH_BACK_MAX_LENGTH, SelfCheck
from education.readiness import StageState
from education.selectors.progress import patient_state
from education.selectors.selfcheck import expectations_stage, self_check_open
from education.services.selfcheck import ITEMS as SELF_CHECK_ITEMS
from portal.htmx import is_htmx, render_page_or_fragment
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
    state = patient_state(enrollment, cached=True)
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


# --- Decision check (SURE) and expectations before and after -----------------

SELF_CHECK_TEMPLATE = "education/patient/self_check.html"
EXPECTATION_KINDS = {"before": SelfCheck.Kind.EXPECT_BEFORE, "after": SelfCheck.Kind.EXPECT_AFTER}


def _self_check(request: HttpRequest, kind: str, action: str) -> HttpResponse:
    """GET shows the questions (with the last answers); POST saves them. A
    problem answers 400 (htmx: the form fragment, 200) with the answers kept."""
    enrollment = access.get_enrollment_for_patient(request.user)
    state = patient_state(enrollment)
    if not self_check_open(state, kind):
        if kind != SelfCheck.Kind.SURE and expectations_stage(state) is None:
            raise Http404
        return redirect("education:home")
    items = SELF_CHECK_ITEMS[kind]
    saved = state.raw.self_checks.get(kind)
    if request.method == "GET":
        form = SelfCheckForm(items=items, initial=saved.answers if saved else None)
        return _self_check_page(request, kind, action, form)
    form = SelfCheckForm(request.POST, items=items)
    if form.is_valid():
        try:
            services.self_check_save(
                enrollment=enrollment, kind=kind, answers=form.cleaned_data, ip=client_ip(request)
            )
        except services.EducationError as error:
            for key, message in error.errors.items():
                form.add_error(key if key in form.fields else None, message)
            if not error.errors:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("Your answers are saved. Your clinician will see them."))
            if is_htmx(request):
                return HttpResponseClientRedirect(reverse("education:home"))
            return redirect("education:home")
    return _self_check_page(request, kind, action, form, status=400)


def _self_check_page(request, kind, action, form, *, status=200) -> HttpResponse:
    context = {"kind": kind, "action": action, "form": form}
    return render_page_or_fragment(
        request, SELF_CHECK_TEMPLATE, context, fragments="self-check-form", status=status
    )


@patient_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def decision_check(request: HttpRequest) -> HttpResponse:
    return _self_check(request, SelfCheck.Kind.SURE, reverse("education:decision-check"))


@patient_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def expectations(request: HttpRequest, when: str) -> HttpResponse:
    kind = EXPECTATION_KINDS.get(when)
    if kind is None:
        raise Http404
    return _self_check(request, kind, reverse("education:expectations", args=[when]))
