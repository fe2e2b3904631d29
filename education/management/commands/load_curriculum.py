from django.core.management.base import BaseCommand

from education.curriculum.loader import load_curriculum


class Command(BaseCommand):
    help = "Load or update the shipped curriculum. Safe to run again: unchanged files are skipped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Apply every file again, even unchanged ones (overwrites admin edits).",
        )

    def handle(self, *args, force=False, **options):
        report = load_curriculum(force=force)
        self.stdout.write(
            f"Curriculum: {len(report.files_loaded)} file(s) loaded, "
            f"{len(report.files_skipped)} unchanged, "
            f"{len(report.versions_bumped)} new version(s)."
        )
