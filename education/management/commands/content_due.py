from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from education.models import Lesson, PublishStatus


class Command(BaseCommand):
    help = (
        "List lessons past their review-by date (retired lessons aside). Exits with "
        "status 1 when any is due, so a cron job can alert; 0 when none is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            default="",
            metavar="YYYY-MM-DD",
            help="Check as of this date instead of today.",
        )

    def handle(self, *args, on="", **options):
        try:
            today = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on must be a date like 2026-11-30, not {on!r}.") from exc
        due = (
            Lesson.objects.filter(review_by__lt=today)
            .exclude(status=PublishStatus.RETIRED)
            .select_related("module")
            .order_by("review_by", "module__title", "order")
        )
        lessons = list(due)
        if not lessons:
            self.stdout.write(f"No lesson is past its review date on {today.isoformat()}.")
            return
        for lesson in lessons:
            self.stdout.write(
                f"{lesson.review_by.isoformat()}  {lesson.slug}  "
                f"({lesson.module.title}: {lesson.title})"
            )
        self.stdout.write(f"{len(lessons)} lesson(s) past their review date.")
        raise SystemExit(1)
