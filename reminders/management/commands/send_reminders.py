from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import selectors, services


def parse_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO date and time: {value!r}") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = (
        "Find the reminders and clinician digests due now and queue them for the worker. "
        "Run it every 15 minutes; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print '<e-mail> <rule> <reason>' per due reminder and change nothing.",
        )
        parser.add_argument(
            "--now",
            type=parse_moment,
            default=None,
            help="The moment to evaluate, as ISO 8601 (default: now).",
        )

    def handle(self, *args, dry_run=False, now=None, **options):
        now = now or timezone.now()
        if dry_run:
            for candidate in selectors.reminders_due(now=now):
                decision = candidate.decision
                self.stdout.write(f"{candidate.email} {decision.rule} {decision.reason}")
            for digest in selectors.digests_due(now=now):
                self.stdout.write(
                    f"{digest.email} clinician_digest "
                    f"{len(digest.patients)} patient(s) not ready within 48 hours"
                )
            return
        result = services.reminders_schedule(now=now)
        self.stdout.write(
            f"Queued {len(result.reminders)} reminder(s) and {len(result.digests)} digest(s); "
            f"{result.requeued} queued again for a retry."
        )
