"""Forms of the clinician workspace: shape and size only; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from education.models import ClinicianReview, ConsultationOutcome, ReadinessStatus
from education.models.outcomes import OUTCOME_NOTE_MAX_LENGTH
from education.models.progress import NOTE_MAX_LENGTH
from education.selectors import DASHBOARD_SORTS, DashboardFilters
from education.selectors.clinic import REMINDED_NOT_STARTED
from portal.fields import ConsultationDateTimeField

REVIEW_TEXT_MAX_LENGTH = 2000
SEARCH_MAX_LENGTH = 100
SORT_CHOICES = [("", "")] + [
    (f"{prefix}{key}", f"{prefix}{key}") for key in DASHBOARD_SORTS for prefix in ("", "-")
]


class _Form(forms.Form):
    """Labels without a trailing colon, as on the rest of the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DashboardFilterForm(_Form):
    """GET filters. A value that does not validate is ignored, never an error page."""

    status = forms.ChoiceField(
        label=_("Readiness"),
        required=False,
        choices=[("", _("Any readiness"))]
        + ReadinessStatus.choices
        + [(REMINDED_NOT_STARTED, _("Reminded, still not started"))],
    )
    within = forms.TypedChoiceField(
        label=_("Consultation"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any date")),
            ("7", _("In the next 7 days")),
            ("30", _("In the next 30 days")),
        ],
    )
    mine = forms.ChoiceField(
        label=_("Patients"),
        required=False,
        choices=[("", _("All patients of the clinic")), ("1", _("My patients"))],
    )
    q = forms.CharField(
        label=_("Search by name, e-mail or record number"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    outcome = forms.ChoiceField(
        label=_("Consultation outcome"),
        required=False,
        choices=[("", _("Any outcome"))] + ConsultationOutcome.Outcome.choices,
    )
    concern = forms.ChoiceField(
        label=_("Patient's self-check"),
        required=False,
        choices=[
            ("", _("Any answers")),
            ("decisional_conflict", _("Decisional conflict (SURE)")),
            ("expectations", _("Expectations to discuss")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def filters(self) -> DashboardFilters:
        self.is_valid()
        data = self.cleaned_data
        return DashboardFilters(
            status=data.get("status") or "",
            within_days=data.get("within"),
            mine=data.get("mine") == "1",
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "",
            outcome=data.get("outcome") or "",
            concern=data.get("concern") or "",
        )


class ConsultationForm(_Form):
    consultation_at = ConsultationDateTimeField(
        label=_("Consultation date and time"),
        required=False,
        help_text=_("In the clinic's time zone. Leave empty to clear the date."),
    )


class FlagDiscussedForm(_Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(_Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ClinicianReview.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=REVIEW_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding readiness"),
        required=False,
        max_length=REVIEW_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only needed to record “ready” for a patient whose readiness is not yet complete."
        ),
    )


class OutcomeForm(_Form):
    """Shares the brief with the review form, so its ids carry their own prefix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "consultation-outcome-%s")
        super().__init__(*args, **kwargs)

    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=ConsultationOutcome.Outcome.choices,
        widget=forms.RadioSelect,
    )
    rescheduled_to = ConsultationDateTimeField(
        label=_("New consultation date and time"),
        required=False,
        help_text=_("Only for a rescheduled consultation. In the clinic's time zone."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=OUTCOME_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
