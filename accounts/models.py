import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import (
    clinic_header_forget,
    logo_upload_to,
    validate_accent_colour,
    validate_logo,
)
from .lockout import login_email_normalise

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="UTC"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=200,
        blank=True,
        help_text=_("The name patients see in the page header; the clinic's name when empty."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG or WebP, at most 512 KB. Shown in the page header."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[validate_accent_colour],
        help_text=_(
            "A colour such as #005a8c for links and buttons; it needs a contrast of at "
            "least 4.5:1 against white."
        ),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=40,
        blank=True,
        help_text=_("Shown to patients at the foot of every page and on their summary."),
    )
    address = models.TextField(
        _("address"),
        blank=True,
        max_length=500,
        help_text=_("Shown to patients on the privacy notice and their summary."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self):
        return self.name

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Pages show the clinic's identity from a cache; the next page reads it again.
        clinic_header_forget(self.pk)


class ClinicIdentity(Clinic):
    """The part of a clinic its own admin edits: how it appears to patients."""

    class Meta:
        proxy = True
        verbose_name = _("clinic identity")
        verbose_name_plural = _("clinic identity")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.CLINIC_ADMIN)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        email = login_email_normalise(username)
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": email})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: the e-mail address is the login."""

    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        CLINICIAN = "clinician", _("Clinician")
        CLINIC_ADMIN = "clinic_admin", _("Clinic admin")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PATIENT)
    clinic = models.ForeignKey(
        Clinic,
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Can sign in to the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    privacy_notice_version = models.CharField(
        _("privacy notice and terms accepted (version)"), max_length=20, blank=True
    )
    privacy_accepted_at = models.DateTimeField(
        _("privacy notice and terms accepted at"), null=True, blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(clinic__isnull=False),
                name="accounts_user_clinic_required",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "role"], name="accounts_user_clinic_role"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_clinic_staff(self):
        return self.role in {self.Role.CLINICIAN, self.Role.CLINIC_ADMIN}

    @property
    def is_clinic_admin(self):
        return self.role == self.Role.CLINIC_ADMIN


class PatientProfile(models.Model):
    """What a clinic knows about a patient beyond the login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="patient_profile",
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("primary clinician"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_patients",
        limit_choices_to={"role__in": ["clinician", "clinic_admin"]},
    )
    consultation_at = models.DateTimeField(_("consultation date and time"), null=True, blank=True)
    # Optional: tells apart patients with the same name.
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    record_number = models.CharField(_("clinic record number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("patient profile")
        verbose_name_plural = _("patient profiles")
        indexes = [
            models.Index(fields=["record_number"], name="accounts_profile_record_number"),
        ]

    def __str__(self):
        return str(self.user)


def _new_invitation_nonce():
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """A signed, single-use, expiring invitation to join a clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=User.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    consultation_at = models.DateTimeField(null=True, blank=True)
    pathway = models.ForeignKey(
        "education.Pathway",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    record_number = models.CharField(_("clinic record number"), max_length=40, blank=True)
    nonce = models.CharField(max_length=32, default=_new_invitation_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["clinic", "-created_at"], name="accounts_inv_clinic_created"),
        ]

    def __str__(self):
        return f"{self.email} → {self.clinic}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def is_accepted(self):
        return self.accepted_at is not None
