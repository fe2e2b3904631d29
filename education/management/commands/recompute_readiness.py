from django.core.management.base import BaseCommand

from education.services import snapshots_recompute


class Command(BaseCommand):
    help = "Recompute every enrollment's readiness snapshot from the raw progress records."

    def handle(self, *args, **options):
        count = snapshots_recompute()
        self.stdout.write(self.style.SUCCESS(f"Recomputed readiness for {count} enrollment(s)."))
