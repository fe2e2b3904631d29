"""The clinic workspace (/clinic/): dashboard, patient brief, its actions, CSV export.

Every view is for clinic staff; a patient of another clinic is a 404 everywhere.
"""

import hashlib
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template import Context
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
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
from education.selectors.assessment import brief_objectives_missed, brief_teach_backs
from education.selectors.clinic import (
    DASHBOARD_PAGE_SIZE,
    DashboardPages,
    dashboard_row_shows,
    enrollment_list_for_staff,
    patient_brief,
)
from education.selectors.selfcheck import brief_self_checks
from education.selectors.week import consultation_week_for_staff, week_row_shows
from portal.htmx import HtmxHttpRequest, is_htmx, render_page_or_fragment, wants_fragment
from portal.net import client_ip
from reminders.selectors import reminders_sent_for_enrollment

DASHBOARD_TEMPLATE = "education/clinic/dashboard.html"
TABLE_ROW = "education/clinic/_patients_table.html#patient-row"
WEEK_ROW = "education/clinic/dashboard.html#week-row"
FILTER_FORM = "education/clinic/dashboard.html#filter-form"
# A cached row is current for as long as its key is (the key holds everything it
# shows); the expiry only bounds how long a deploy's new translations wait.
ROW_CACHE_SECONDS = 6 * 60 * 60
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


# Rows rendered or read lately, kept in the process too: a key is a digest of all
# a row shows, so a row found under it is current wherever it is found, and a
# page whose rows are all here does not ask the shared cache (with Redis: one
# MGET and 94 unpicklings a page). Emptied whole when full.
_ROWS_IN_PROCESS: dict[str, str] = {}
ROWS_IN_PROCESS_MAX = 5_000

# Template object -> digest of its file: a changed template gives new row keys.
_template_digests: dict[int, tuple[object, str]] = {}


def _template_digest(template) -> str:
    """The digest of the file a partial is defined in, once per template object
    (the cached loader keeps one a process; in development a reload makes a new one)."""
    memo = _template_digests.get(id(template))
    if memo is None or memo[0] is not template:
        origin = template.origin
        source = origin.loader.get_template(origin.template_name).source
        memo = (template, hashlib.blake2b(source.encode(), digest_size=6).hexdigest())
        _template_digests[id(template)] = memo
    return memo[1]


def _rows_html(rows: Iterable[tuple[str, tuple, dict]]) -> list[SafeString]:
    """The HTML of each row, given as (partial, what the row shows, the partial's
    context). A row is cached under a digest of what it shows, the partial's
    source, the language, the time zone and the script prefix, so a cached row
    is current as long as its key is, and no write has to invalidate one. Rows
    are looked up in the process first, then the rest in one ``get_many``; the
    rows found nowhere are rendered and written in one ``set_many``."""
    rows = list(rows)
    templates = {}
    for name in {row[0] for row in rows}:
        template = get_template(name).template
        templates[name] = (template, f"clinic:row:{template.name}:{_template_digest(template)}")
    setting = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )
    keys = []
    for name, shows, _context in rows:
        digest = hashlib.blake2b(repr((setting, shows)).encode(), digest_size=16).hexdigest()
        keys.append(f"{templates[name][1]}:{digest}")
    found = {}
    for key in keys:
        if (row_html := _ROWS_IN_PROCESS.get(key)) is not None:
            found[key] = row_html
    if len(found) < len(keys):
        found |= cache.get_many([key for key in keys if key not in found])
    missing = {}
    html = []
    context = Context(autoescape=True)
    for key, (name, _shows, row_context) in zip(keys, rows, strict=True):
        if key not in found:
            with context.push(row_context):
                found[key] = missing[key] = templates[name][0].render(context)
        html.append(mark_safe(found[key]))  # noqa: S308 - rendered by our template
    if missing:
        cache.set_many(missing, ROW_CACHE_SECONDS)
    if len(_ROWS_IN_PROCESS) + len(found) > ROWS_IN_PROCESS_MAX:
        _ROWS_IN_PROCESS.clear()
    _ROWS_IN_PROCESS.update(found)
    return html


@clinic_staff_required
@require_GET
@vary_on_headers("HX-Request")
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET)
    filters = form.filters()
    rows = enrollment_list_for_staff(request.user, filters=filters)
    services.dashboard_view(staff=request.user, filters=filters, ip=client_ip(request))
    page = Paginator(DashboardPages(rows), DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page_obj": page,
        "columns": _sort_columns(filters.sort),
    }
    table_rows = [(TABLE_ROW, dashboard_row_shows(row), {"row": row}) for row in page.object_list]
    week_rows, filter_form = [], []
    if not wants_fragment(request):
        # The whole page starts with the week's consultations (in the clinic's time zone,
        # activated at sign-in); a filter swap does not.
        context["week"] = consultation_week_for_staff(
            request.user, tz=timezone.get_current_timezone(), now=timezone.now()
        )
        week_rows = [
            (WEEK_ROW, week_row_shows(group.key, item), {"item": item, "group_key": group.key})
            for group in context["week"]
            for item in group.rows
        ]
        if not any(name in request.GET for name in form.fields):
            # The filters as they are on arrival: the same for every visit.
            filter_form = [(FILTER_FORM, ("unfiltered",), {"form": form})]
    # One cache round trip for the table's rows, the week's rows and the filters.
    html = iter(_rows_html(table_rows + week_rows + filter_form))
    context["table_rows"] = [next(html) for _row in table_rows]
    for _name, _shows, row_context in week_rows:
        row_context["item"].html = next(html)
    if filter_form:
        context["filter_form_html"] = next(html)
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
