from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from education.curriculum.loader import CURRICULUM_DIR, load_curriculum


class Command(BaseCommand):
    help = "Load or update the shipped curriculum. Safe to run again: unchanged files are skipped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Apply every file again, even unchanged ones (overwrites admin edits).",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=CURRICULUM_DIR,
            help="Load the pathway.yaml and modules/*.yaml of this folder instead of the "
            "current edition (for example education/curriculum/editions/first).",
        )
        parser.add_argument(
            "--correction",
            default="",
            metavar="WHAT_IT_CORRECTS",
            help="Mark the library version this load makes as correcting a fact: every "
            "clinic reads it, including clinics pinned to an older version.",
        )
        parser.add_argument(
            "--only-if-empty",
            action="store_true",
            help="Load nothing when the database already holds a curriculum.",
        )

    def handle(
        self,
        *args,
        force=False,
        directory=CURRICULUM_DIR,
        only_if_empty=False,
        correction="",
        **options,
    ):
        if not (directory / "pathway.yaml").is_file():
            raise CommandError(f"{directory} has no pathway.yaml.")
        report = load_curriculum(
            directory=directory, force=force, only_if_empty=only_if_empty, correction=correction
        )
        if only_if_empty and not report.files_loaded and not report.files_skipped:
            self.stdout.write(f"Curriculum: already loaded, {directory.name} left out.")
            return
        self.stdout.write(
            f"Curriculum: {len(report.files_loaded)} file(s) loaded, "
            f"{len(report.files_skipped)} unchanged, "
            f"{len(report.versions_bumped)} new version(s)."
        )
