"""Form fields shared by the accounts and education forms."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CONSULTATION_PAST_GRACE = timedelta(days=1)
CONSULTATION_HORIZON = timedelta(days=2 * 365)


class ConsultationDateTimeField(forms.DateTimeField):
    """A consultation date and time in the clinic's time zone, within a sensible
    window: not more than a day in the past, not more than two years ahead. Dates
    far out of range answer with this message, never a server error."""

    default_error_messages = {
        "out_of_range": _("Choose a date and time between yesterday and two years from today."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range") from exc

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        now = timezone.now()
        try:
            in_range = now - CONSULTATION_PAST_GRACE <= value <= now + CONSULTATION_HORIZON
        except OverflowError:
            in_range = False
        if not in_range:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
