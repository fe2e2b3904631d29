"""Versions of the shared library and the one each clinic follows.

Each time library lessons are published, a ``LibraryVersion`` records which
version of every published library lesson patients read at that moment. It is
written once and never changed or deleted. A clinic follows the latest library
version unless its admin pins one (``ClinicLibrary``); its patients then keep
reading the lesson text of that version until the admin moves on.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import WrittenOnce


class LibraryVersion(WrittenOnce):
    number = models.PositiveIntegerField(_("version"), unique=True)
    # {"<lesson id>": <lesson version>} for every library lesson published then.
    lessons = models.JSONField(_("lesson versions"), default=dict)
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    approver_name = models.CharField(_("approver"), max_length=200)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("library version")
        verbose_name_plural = _("library versions")

    def __str__(self):
        return _("Library version %(number)s") % {"number": self.number}

    def lesson_version(self, lesson_id: int) -> int | None:
        return self.lessons.get(str(lesson_id))


class ClinicLibrary(models.Model):
    """The library version a clinic's patients read: a pinned version, or the
    latest when ``version`` is empty (and when a clinic has no row)."""

    clinic = models.OneToOneField(
        "accounts.Clinic",
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        related_name="library_choice",
    )
    version = models.ForeignKey(
        LibraryVersion,
        verbose_name=_("pinned library version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the clinic follows the latest library version."),
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("chosen at"), auto_now=True)

    class Meta:
        verbose_name = _("clinic's library version")
        verbose_name_plural = _("clinics' library versions")

    def version_read(self, floor: LibraryVersion | None) -> LibraryVersion | None:
        """The version the clinic's patients read: the pinned one, or
        ``floor`` (the newest correction) when that is newer; None when the
        clinic follows the latest."""
        if self.version_id is None:
            return None
        if floor is not None and floor.number > self.version.number:
            return floor
        return self.version

    def __str__(self):
        if self.version_id is None:
            return _("%(clinic)s follows the latest library version") % {"clinic": self.clinic}
        return _("%(clinic)s reads library version %(number)s") % {
            "clinic": self.clinic,
            "number": self.version.number,
        }


class LibraryCorrection(WrittenOnce):
    """A library version every clinic reads at least, because it corrects a
    fact: a clinic pinned to an older version reads this one, and no clinic
    may pin an older one. Written once; never changed or deleted."""

    version = models.OneToOneField(
        LibraryVersion,
        verbose_name=_("library version"),
        on_delete=models.PROTECT,
        related_name="correction",
    )
    note = models.CharField(_("what it corrects"), max_length=300)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    marked_by_name = models.CharField(_("marked by"), max_length=200)
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        ordering = ["-version__number"]
        verbose_name = _("library correction")
        verbose_name_plural = _("library corrections")

    def __str__(self):
        return _("Library version %(number)s corrects a fact") % {"number": self.version.number}


def library_version_floor() -> LibraryVersion | None:
    """The newest library version marked as a correction: none older may be
    read or pinned."""
    correction = LibraryCorrection.objects.select_related("version").first()
    return correction.version if correction else None
