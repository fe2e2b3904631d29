from datetime import date

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import ConsultationDateTimeField

from . import extensions
from .models import Invitation, User


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form; the ``username`` field holds the e-mail address."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SetPasswordForm(forms.Form):
    """Choose a password when accepting an invitation."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words make a good one."),
        max_length=4096,
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=4096,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationAcceptForm(SetPasswordForm):
    """Choose a password and say the privacy notice and terms were read. The typed
    passwords are shown again when the form comes back with an error, so an
    unticked box does not cost the patient their password."""

    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and the terms of use."),
        error_messages={
            "required": _(
                "Tick the box to say you have read the privacy notice and the terms of use."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2"):
            self.fields[name].widget.render_value = True


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices, initial="patient")
    consultation_at = ConsultationDateTimeField(
        label=_("Consultation date and time"),
        required=False,
        help_text=_("In the clinic's time zone. You can set it later."),
    )
    primary_clinician = forms.ModelChoiceField(
        label=_("Primary clinician"), queryset=User.objects.none(), required=False
    )
    pathway = forms.ModelChoiceField(
        label=_("Pathway"),
        queryset=Invitation._meta.get_field("pathway").related_model.objects.none(),
        required=False,
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tells apart patients with the same name."),
    )
    record_number = forms.CharField(
        label=_("Clinic record number (optional)"), max_length=40, required=False
    )

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and not (date(1900, 1, 1) <= born <= timezone.localdate()):
            raise forms.ValidationError(_("Enter a date of birth between 1900 and today."))
        return born

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_clinician"].queryset = User.objects.filter(
            clinic_id=inviter.clinic_id,
            role__in=[User.Role.CLINICIAN, User.Role.CLINIC_ADMIN],
            is_active=True,
        ).order_by("full_name")
        pathways = extensions.invitation_pathways()
        self.fields["pathway"].queryset = pathways
        if len(pathways) == 1:
            self.fields["pathway"].initial = pathways[0].pk
        if inviter.role == User.Role.CLINICIAN:
            self.fields["primary_clinician"].initial = inviter.pk
        if not inviter.is_clinic_admin:
            # Clinicians invite patients only.
            self.fields["role"].choices = [(User.Role.PATIENT, User.Role.PATIENT.label)]


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Six digits, or one of your backup codes."),
    )
