"""A clinic's own additions to the library, as the admin shows them to that
clinic's admin: its stages (modules with ``clinic`` set), their lessons, and
its checklist items. Proxies of the library models: same tables, same rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .checklists import ChecklistItem
from .content import Lesson, Module
from .versions import LessonDraft


class ClinicModule(Module):
    class Meta:
        proxy = True
        ordering = ["clinic", "pk"]
        verbose_name = _("clinic stage")
        verbose_name_plural = _("clinic stages")


class ClinicLesson(Lesson):
    class Meta:
        proxy = True
        verbose_name = _("clinic lesson")
        verbose_name_plural = _("clinic lessons")


class ClinicChecklistItem(ChecklistItem):
    objects = models.Manager()

    class Meta:
        proxy = True
        ordering = ["clinic", "order", "pk"]
        verbose_name = _("clinic checklist item")
        verbose_name_plural = _("clinic checklist items")


def content_clinic_id(obj) -> int | None:
    """The clinic that owns a piece of content; None for the shared library."""
    match obj:
        case Module() | ChecklistItem():
            return obj.clinic_id
        case Lesson():
            return obj.module.clinic_id
        case LessonDraft():
            return obj.lesson.module.clinic_id
    owner = getattr(obj, "lesson", None) or getattr(obj, "module", None)
    return content_clinic_id(owner) if owner is not None else None
