"""Published versions of quizzes, checklists, stages (modules) and pathways.

Each time ``content_publish`` moves the version of one of them up, a
``ContentVersion`` keeps what patients saw from then on: the payload of its
fields and rows (as ``education/drafting.py`` reads them), its hash, the
change note, who edited it, who approved it and when. It is written once and
never changed or deleted.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import WrittenOnce, unique_per


class ContentVersion(WrittenOnce):
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of content"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    # The clinic that owns the content; empty for the shared library.
    clinic = models.ForeignKey(
        "accounts.Clinic",
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    payload = models.JSONField(_("content"), default=dict)
    content_hash = models.CharField(_("content hash"), max_length=64)
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
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
        ordering = ["content_type", "object_id", "-version"]
        verbose_name = _("quiz, checklist or stage version")
        verbose_name_plural = _("quiz, checklist and stage versions")
        constraints = [
            unique_per(
                "contentversion", "content_type", "object_id", "version", what="unique_version"
            )
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"
