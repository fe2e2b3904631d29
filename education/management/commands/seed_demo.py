from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from education import demo


class Command(BaseCommand):
    help = (
        "Create the demo clinics and logins, and optionally N synthetic patients with "
        "varied progress. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--patients", type=int, default=0, help="How many synthetic patients to have."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with debug off (never in production)."
        )
        parser.add_argument(
            "--clinic",
            default="",
            help="Put the synthetic patients in a separate clinic with this slug (benchmarks).",
        )

    def handle(self, *args, patients=0, force=False, clinic="", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password and a known "
                "authenticator key. It runs only with DJANGO_DEBUG=1, or with --force."
            )
        if patients < 0:
            raise CommandError("--patients must be 0 or more.")
        accounts = demo.demo_accounts_create()
        read = demo.demo_first_edition_read(patient=accounts.users["patient"])
        pathway = demo.default_pathway()
        if pathway is None:
            self.stdout.write("No published pathway yet: run load_curriculum for progress data.")
        target, prefix = accounts.clinic, demo.SYNTHETIC_PREFIX
        if clinic:
            target = demo.bench_clinic_get(slug=clinic)
            prefix = f"{clinic}-patient-"
        clinicians = list(User.objects.filter(clinic=target, role=User.Role.CLINICIAN))
        if not clinicians and target == accounts.clinic:
            clinicians = [accounts.users["clinician"]]
        created = demo.synthetic_patients_create(
            count=patients, clinic=target, clinicians=clinicians, pathway=pathway, prefix=prefix
        )
        booked = demo.demo_week_book(
            clinic=accounts.clinic, clinician=accounts.users["clinician"], now=timezone.now()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} new synthetic patients).")
        )
        if read:
            self.stdout.write(
                f"patient@demo.test has read {read} lesson(s) of stage 1 in their first "
                "published version (a later version shows 'Updated since you read it')."
            )
        tz = accounts.clinic.tzinfo
        self.stdout.write(
            "Consultations booked for clinician@demo.test (clinic time): "
            + ", ".join(f"{timezone.localtime(when, tz):%a %H:%M}" for when in booked)
        )
        self.stdout.write(
            "\nDemo logins (password: consultready-demo)\n"
            "  patient@demo.test          patient, Demo Hair Clinic   -> /learn/\n"
            "  clinician@demo.test        clinician, Demo Hair Clinic -> /clinic/\n"
            "  admin@demo.test            clinic admin, Demo Hair Clinic -> /clinic/, /admin/\n"
            "  other-clinician@demo.test  clinician, Northside Hair Clinic\n"
            "  other-patient@demo.test    patient, Northside Hair Clinic\n"
            "  editor@demo.test           library editor (no patients) -> /admin/\n"
            "  reviewer@demo.test         library editor (no patients) -> /admin/\n"
            f"Staff second factor: authenticator key {demo.DEMO_TOTP_KEY} "
            "(add it to any authenticator app).\n"
        )
