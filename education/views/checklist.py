"""The patient's pre-consultation checklist under /learn/checklist/: the whole
list posts and redirects without JavaScript; with htmx one item saves in place."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.permissions import patient_required
from education import access, services
from education.forms.patient import ChecklistItemForm, checklist_forms, unknown_checklist_fields
from education.selectors.patient import checklist_groups
from education.selectors.progress import enrollment_get_for_patient, patient_state
from portal.htmx import HtmxHttpRequest, render_page_or_fragment, wants_fragment
from portal.net import client_ip

TEMPLATES = "education/patient/"


def _checklist_page(request, state, forms, *, message="", status=200) -> HttpResponse:
    by_item = {form.item.pk: form for form in forms}
    groups = [
        (group, [by_item[item.pk] for item in group.items]) for group in checklist_groups(state)
    ]
    return render(
        request,
        TEMPLATES + "checklist.html",
        {
            "groups": groups,
            "message": message,
            "has_items": bool(forms),
            "checklist": state.enrollment.pathway.checklist if forms else None,
        },
        status=status,
    )


def _apply_field_errors(forms, field_errors):
    for form in forms:
        error = field_errors.get(form.item.pk)
        if error:
            form.add_error("answer", error)


@patient_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest) -> HttpResponse:
    enrollment = enrollment_get_for_patient(request.user)
    if enrollment is None:
        return render(request, TEMPLATES + "no_pathway.html")
    state = patient_state(enrollment, cached=True)
    items = state.outline.checklist_items
    if request.method == "GET":
        return _checklist_page(request, state, checklist_forms(items, state.raw.responses))

    forms = checklist_forms(items, state.raw.responses, data=request.POST)
    message = ""
    if unknown_checklist_fields(request.POST, items):
        message = _(
            "Some answers were for items that are not on your checklist. Nothing was saved."
        )
    elif all(form.is_valid() for form in forms):
        entries = [
            (form.item, form.cleaned_data["answer"], form.cleaned_data["note"])
            for form in forms
            if form.is_answered
        ]
        try:
            services.checklist_responses_save(
                enrollment=enrollment, entries=entries, ip=client_ip(request)
            )
        except services.EducationError as error:
            message = str(error)
            _apply_field_errors(forms, error.errors)
        else:
            messages.success(request, _("Your checklist answers are saved."))
            return redirect("education:checklist")
    else:
        message = _(
            "Your answers were not saved. The ones that need another look are marked below."
        )
    return _checklist_page(request, state, forms, message=message, status=400)


@patient_required
@vary_on_headers("HX-Request")
@require_POST
def checklist_item_save(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    """Save one item. htmx swaps the item in place; without JavaScript the
    patient goes back to the checklist."""
    enrollment = access.get_enrollment_for_patient(request.user)
    item = access.get_checklist_item_for_patient(enrollment, item_id)
    form = ChecklistItemForm(request.POST, item=item, response=None)
    form.require_answer()
    if form.is_valid():
        try:
            form.response = services.checklist_response_save(
                enrollment=enrollment,
                item=item,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                ip=client_ip(request),
            )
        except services.EducationError as error:
            form.add_error("answer", str(error))
        else:
            form.saved = True
    if wants_fragment(request):
        return render_page_or_fragment(
            request,
            TEMPLATES + "checklist.html",
            {"form": form},
            fragments=("checklist-item", "checklist-announce"),
        )
    if form.saved:
        messages.success(request, _("Your answer is saved."))
        return redirect(reverse("education:checklist") + f"#{form.dom_id}")
    state = patient_state(enrollment, cached=True)
    forms = [
        form if other.item.pk == item.pk else other
        for other in checklist_forms(state.outline.checklist_items, state.raw.responses)
    ]
    return _checklist_page(
        request, state, forms, message=_("Your answer was not saved."), status=400
    )
