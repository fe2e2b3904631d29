"""The consent-readiness checklist and its items. An item with a clinic is
that clinic's own addition: only its patients see it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import Retirable, Versioned, owning_clinic


class Checklist(Versioned):
    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self):
        return self.title

    def content_payload(self):
        return {
            "title": self.title,
            "intro": self.intro,
            "items": [
                [i.slug, i.kind, i.text, i.help_text, i.required, i.ok_answer]
                for i in self.items.filter(clinic__isnull=True).order_by("order", "pk")
            ],
        }


class ChecklistItem(Retirable):
    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Things I understand")
        SELF_CHECK = "self_check", _("Health self-checks")
        QUESTION = "question", _("Questions to discuss")

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_SURE = "not_sure", _("Not sure")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    clinic = owning_clinic(
        related_name="own_checklist_items",
        help_text=_(
            "Empty for the shared library; a clinic's own item is shown to its patients only."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    slug = models.SlugField()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    help_text = models.TextField(_("help"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    ok_answer = models.CharField(
        _("answer that needs no discussion"),
        max_length=8,
        choices=[(Answer.YES, _("Yes")), (Answer.NO, _("No"))],
        default=Answer.YES,
        help_text=_(
            "On a required item, any other answer (or “not sure”) raises a flag for the clinician."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(Retirable.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "slug"], name="education_checklistitem_unique_slug"
            ),
        ]

    def __str__(self):
        return self.text

    def raises_flag(self, answer: str) -> bool:
        return self.required and answer != self.ok_answer
