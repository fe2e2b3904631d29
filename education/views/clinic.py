"""The clinic workspace (/clinic/): dashboard, patient brief, its actions, CSV export.

Every view is for clinic staff; a patient of another clinic is a 404 everywhere.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import clinic_staff_required
from education import access, services
from education.exports import enrollment_details_csv, enrollments_csv
from education.forms.clinician import (
    ConsultationForm,
    DashboardFilterForm,
    FlagDiscussedForm,
    OutcomeForm,
    ReviewForm,
)
from education.models import Enrollment
from education.pagination import DeferredJoinList
from education.selectors.assessment import brief_objectives_missed, brief_teach_backs
from education.selectors.clinic import (
    DASHBOARD_PAGE_SIZE,
    enrollment_list_for_staff,
    patient_brief,
)
from education.selectors.selfcheck import brief_self_checks
from education.selectors.week import consultation_week_for_staff
from portal.htmx import HtmxHttpRequest, is_htmx, render_page_or_fragment, wants_fragment
from portal.net import client_ip
from reminders.selectors import reminders_sent_for_enrollment

DASHBOARD_TEMPLATE = "education/clinic/dashboard.html"
BRIEF_TEMPLATE = "education/clinic/brief.html"
COLUMNS = (
    ("name", gettext_lazy("Patient")),
    ("consultation", gettext_lazy("Consultation")),
    ("progress", gettext_lazy("Progress")),
    ("activity", gettext_lazy("Last activity")),
)


def _sort_columns(current: str) -> dict:
    """Per sortable column: the sort its header link asks for and its aria-sort."""
    columns = {}
    for key, label in COLUMNS:
        if current == key:
            columns[key] = {"label": label, "next": f"-{key}", "aria_sort": "ascending"}
        elif current == f"-{key}":
            columns[key] = {"label": label, "next": key, "aria_sort": "descending"}
        else:
            columns[key] = {"label": label, "next": key, "aria_sort": ""}
    return columns


@clinic_staff_required
@require_GET
@vary_on_headers("HX-Request")
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET)
    filters = form.filters()
    rows = enrollment_list_for_staff(request.user, filters=filters)
    services.dashboard_view(staff=request.user, filters=filters, ip=client_ip(request))
    page = Paginator(DeferredJoinList(rows), DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page_obj": page,
        "columns": _sort_columns(filters.sort),
    }
    if not wants_fragment(request):
        # The whole page starts with the week's consultations (in the clinic's time zone,
        # activated at sign-in); a filter swap does not.
        context["week"] = consultation_week_for_staff(
            request.user, tz=timezone.get_current_timezone(), now=timezone.now()
        )
    return render_page_or_fragment(request, DASHBOARD_TEMPLATE, context, fragments="patient-table")


def _csv_response(request: HttpRequest, *, export: str) -> StreamingHttpResponse:
    filters = DashboardFilterForm(request.GET).filters()
    rows = enrollment_list_for_staff(request.user, filters=filters)
    services.export_download(
        staff=request.user, filters=filters, export=export, ip=client_ip(request)
    )
    tz = request.user.clinic.tzinfo
    body = (
        enrollments_csv(rows, tz=tz)
        if export == "patients"
        else enrollment_details_csv(rows, tz=tz)
    )
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now(), tz)
    response["Content-Disposition"] = (
        f'attachment; filename="consultready-{export}-{stamp:%Y-%m-%d}.csv"'
    )
    return response


@clinic_staff_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _csv_response(request, export="patients")


@clinic_staff_required
@require_GET
def export_detail_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Flags with notes, questions, reviews and outcomes of the listed patients."""
    return _csv_response(request, export="detail")


# --- Patient brief ----------------------------------------------------------


def _brief_url(enrollment: Enrollment) -> str:
    return reverse("clinic:brief", args=[enrollment.patient_id])


def _render_brief(
    request: HttpRequest,
    enrollment: Enrollment,
    *,
    consultation_form: ConsultationForm | None = None,
    review_form: ReviewForm | None = None,
    outcome_form: OutcomeForm | None = None,
    flag_form: FlagDiscussedForm | None = None,
    flag_response_id: int | None = None,
    fragment: str = "",
    status: int = 200,
) -> HttpResponse:
    brief = patient_brief(enrollment)
    checklist_rows = []
    for row in brief.checklist:
        form = None
        if row.flag_open:
            pk = row.response.pk
            form = flag_form if pk == flag_response_id else None
            form = form or FlagDiscussedForm(auto_id=f"flag-{pk}-%s")
        checklist_rows.append((row, form))
    context = {
        "brief": brief,
        "enrollment": enrollment,
        "patient": enrollment.patient,
        "profile": getattr(enrollment.patient, "patient_profile", None),
        "consultation_form": consultation_form
        or ConsultationForm(initial={"consultation_at": enrollment.consultation_at}),
        "review_form": review_form or ReviewForm(),
        "outcome_form": outcome_form or OutcomeForm(),
        "reminders_sent": list(reminders_sent_for_enrollment(enrollment.pk)),
        "teach_backs": brief_teach_backs(brief.state),
        "self_checks": brief_self_checks(brief.state),
        "objectives_missed": brief_objectives_missed(brief.state, brief.misconceptions),
        "checklist_rows": checklist_rows,
    }
    # A form with errors: htmx swaps that form's partial; without JavaScript the
    # whole page comes back and the form's action anchor scrolls to it.
    return render_page_or_fragment(
        request, BRIEF_TEMPLATE, context, fragments=fragment, status=status
    )


def _back_to_brief(request: HttpRequest, enrollment: Enrollment) -> HttpResponse:
    if is_htmx(request):
        return HttpResponseClientRedirect(_brief_url(enrollment))
    return redirect(_brief_url(enrollment))


@clinic_staff_required
@require_GET
def brief(request: HttpRequest, patient_id: int) -> HttpResponse:
    enrollment = access.get_enrollment_for_staff(request.user, patient_id)
    services.brief_view(staff=request.user, enrollment=enrollment, ip=client_ip(request))
    return _render_brief(request, enrollment)


def _brief_form_submit(
    request: HttpRequest,
    patient_id: int,
    form: forms.Form,
    *,
    fragment: str,
    service: Callable[..., object],
    message: Callable[[dict], str],
) -> HttpResponse:
    """One of the brief's forms posted. Its fields are the ``service``'s values;
    ``message(cleaned_data)`` says what was saved. A problem comes back beside the
    form that caused it, with what was typed: htmx swaps that form's section
    (``fragment``, also its anchor); without JavaScript the whole page answers 400
    and opens at ``#<fragment>``."""
    enrollment = access.get_enrollment_for_staff(request.user, patient_id)
    if form.is_valid():
        try:
            service(
                staff=request.user,
                enrollment=enrollment,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except services.EducationError as error:
            form.add_error(None, str(error))
            for field, text in error.errors.items():
                if field in form.fields:
                    form.add_error(field, text)
        else:
            messages.success(request, message(form.cleaned_data))
            return _back_to_brief(request, enrollment)
    return _render_brief(
        request, enrollment, **{f"{fragment}_form": form}, fragment=fragment, status=400
    )


@clinic_staff_required
@require_POST
@vary_on_headers("HX-Request")
def consultation_update(request: HttpRequest, patient_id: int) -> HttpResponse:
    def message(data: dict) -> str:
        if data["consultation_at"]:
            return _("The consultation date is saved.")
        return _("The consultation date is cleared.")

    form = ConsultationForm(request.POST)
    return _brief_form_submit(
        request,
        patient_id,
        form,
        fragment="consultation",
        service=services.consultation_set,
        message=message,
    )


@clinic_staff_required
@require_POST
def flag_discussed(request: HttpRequest, patient_id: int, response_id: int) -> HttpResponse:
    enrollment = access.get_enrollment_for_staff(request.user, patient_id)
    response = access.get_flag_for_staff(enrollment, response_id)
    form = FlagDiscussedForm(request.POST, auto_id=f"flag-{response.pk}-%s")
    if form.is_valid():
        try:
            services.flag_mark_discussed(
                staff=request.user,
                response=response,
                note=form.cleaned_data["note"],
                ip=client_ip(request),
            )
        except services.EducationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The flag is marked as discussed."))
        return redirect(_brief_url(enrollment))
    return _render_brief(request, enrollment, flag_form=form, flag_response_id=response.pk)


@clinic_staff_required
@require_POST
@vary_on_headers("HX-Request")
def review_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _brief_form_submit(
        request,
        patient_id,
        ReviewForm(request.POST),
        fragment="review",
        service=services.review_record,
        message=lambda data: _("Your review is recorded."),
    )


@clinic_staff_required
@require_POST
@vary_on_headers("HX-Request")
def outcome_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    return _brief_form_submit(
        request,
        patient_id,
        OutcomeForm(request.POST),
        fragment="outcome",
        service=services.consultation_outcome_record,
        message=lambda data: _("The consultation outcome is recorded."),
    )
