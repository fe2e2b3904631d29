"""Curriculum content: edited in the admin, published in versions."""

import hashlib
import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    # Taken out of the pathway for good; kept because patients' records point at it.
    RETIRED = "retired", _("Retired")


class EvidenceLabel(models.TextChoices):
    ESTABLISHED = "established", _("Established")
    EMERGING = "emerging", _("Emerging")
    INVESTIGATIONAL = "investigational", _("Investigational")
    NOT_APPROVED = "not_approved", _("Not approved")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublishStatus.PUBLISHED)


class Versioned(models.Model):
    """Draft/published state plus a version that moves only when the content
    a patient sees changes (compared by ``content_hash``)."""

    status = models.CharField(
        _("status"), max_length=12, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=0,
        editable=False,
        help_text=_("Goes up by one each time changed content is published."),
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, editable=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == PublishStatus.PUBLISHED

    @property
    def was_published(self) -> bool:
        """Published now, or once: patients may have read it."""
        return self.status != PublishStatus.DRAFT or self.version > 0

    def content_payload(self):
        """The data a patient sees; subclasses list their fields."""
        raise NotImplementedError

    def compute_content_hash(self) -> str:
        payload = json.dumps(self.content_payload(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def owning_clinic(*, related_name: str, help_text) -> models.ForeignKey:
    """The clinic a piece of content belongs to; empty for the shared library.
    PROTECT: a clinic with content of its own is never deleted from under it."""
    return models.ForeignKey(
        "accounts.Clinic",
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(retired_at__isnull=True)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """Hides retired rows: quizzes and checklists (through their related
    managers too) show patients only the live ones."""

    def get_queryset(self):
        return super().get_queryset().live()


class Retirable(models.Model):
    """A part of a quiz or checklist that patients answer. Once answered it is
    never deleted: it is retired, which hides it from patients and keeps the
    answers that point at it. ``all_objects`` still sees retired rows."""

    retired_at = models.DateTimeField(
        _("retired at"),
        null=True,
        blank=True,
        help_text=_("Set to take it out of the quiz or checklist; answers already given stay."),
    )

    objects = LiveManager()
    all_objects = LiveQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"


class WrittenOnceQuerySet(models.QuerySet):
    """Rows written once are not changed or deleted in bulk either."""

    def update(self, **kwargs):
        raise models.ProtectedError(f"A {self.model._meta.verbose_name} is never changed.", set())

    def delete(self):
        raise models.ProtectedError(f"A {self.model._meta.verbose_name} is never deleted.", set())


class WrittenOnce(models.Model):
    """A record written once and never changed or deleted: a published
    version of content, a library version, a correction. Patients' records
    and the audit trail point at them as they were."""

    objects = WrittenOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise models.ProtectedError(f"A {self._meta.verbose_name} is never changed.", {self})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(f"A {self._meta.verbose_name} is never deleted.", {self})


def unique_per(model: str, *fields: str, what: str = "unique", **options):
    """At most one ``model`` row per value of ``fields``; the constraint is
    named ``education_<model>_<what>``, as the migrations know it."""
    return models.UniqueConstraint(fields=list(fields), name=f"education_{model}_{what}", **options)


class Therapy(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    regulatory_status = models.CharField(
        _("regulatory status"),
        max_length=200,
        help_text=_('For example "Not FDA-approved for hair loss".'),
    )
    summary = models.CharField(_("plain summary"), max_length=300)

    class Meta:
        ordering = ["name"]
        verbose_name = _("therapy")
        verbose_name_plural = _("therapies")

    def __str__(self):
        return self.name


class GlossaryTerm(models.Model):
    term = models.CharField(_("term"), max_length=120, unique=True)
    definition = models.TextField(_("plain definition"), max_length=400)

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term


class Module(Versioned):
    slug = models.SlugField(unique=True)
    clinic = owning_clinic(
        related_name="own_modules",
        help_text=_(
            "Empty for the shared library. A clinic's own stage is shown, after the "
            "library's stages, to that clinic's patients only."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    learning_objectives = models.TextField(
        _("what you'll learn"), blank=True, help_text=_("One item per line.")
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    teach_back = models.CharField(
        _("teach-back prompt"),
        max_length=300,
        blank=True,
        help_text=_(
            "Asked at the end of the stage, answered in the patient's own words and never "
            "graded; required for readiness. Empty: no teach-back."
        ),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self):
        return self.title

    def content_payload(self):
        return [
            self.title,
            self.summary,
            self.learning_objectives,
            self.estimated_minutes,
            self.teach_back,
        ]


def content_revision_new() -> str:
    return uuid.uuid4().hex[:16]


class Pathway(Versioned):
    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A fresh random token whenever any published content changes (see
    # education/revision.py); every cache of published content is keyed by it.
    content_revision = models.CharField(max_length=16, default=content_revision_new, editable=False)
    modules = models.ManyToManyField(Module, through="PathwayModule", related_name="pathways")
    checklist = models.ForeignKey(
        "education.Checklist",
        verbose_name=_("consent checklist"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathways",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")

    def __str__(self):
        return self.title

    def content_payload(self):
        return {
            "title": self.title,
            "description": self.description,
            "modules": list(
                self.pathway_modules.order_by("order").values_list("module__slug", flat=True)
            ),
            "checklist": self.checklist_id,
        }


class PathwayModule(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="pathway_modules")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [unique_per("pathwaymodule", "pathway", "module", what="unique_module")]

    def __str__(self):
        return f"{self.order}. {self.module}"


def therapy_field(*, on_delete, related_name: str):
    """The therapy a lesson (or a draft or version of it) is about; none for
    a lesson about hair loss in general."""
    return models.ForeignKey(
        Therapy,
        verbose_name=_("therapy"),
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
    )


class LessonText:
    """What a patient reads of a lesson, alike for the lesson, its drafts and
    its versions; each gives its own ``source_rows``."""

    @property
    def points(self):
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]

    def content_fields(self) -> dict:
        return {
            "title": self.title,
            "label": self.evidence_label,
            "therapy": self.therapy_id,
            "key_points": self.key_points,
            "body": self.body,
            "sources": self.source_rows,
        }


class Lesson(LessonText, Versioned):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveIntegerField(_("order"), default=0)
    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    evidence_label = models.CharField(
        _("evidence label"), max_length=20, choices=EvidenceLabel.choices
    )
    therapy = therapy_field(on_delete=models.SET_NULL, related_name="lessons")
    key_points = models.TextField(_("key points"), help_text=_("One point per line."))
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown. Use “## ” for section headings. A lesson about a therapy needs "
            "a “## What we don't know yet” section."
        ),
    )
    editor_note = models.TextField(
        _("editor note"),
        blank=True,
        help_text=_("For editors only: never shown to patients."),
    )
    facts_checked_on = models.DateField(
        _("facts checked on"),
        null=True,
        blank=True,
        help_text=_(
            "When the regulatory and evidence statements were last checked against their "
            "sources (shown to patients as “Checked <month year>”)."
        ),
    )
    review_by = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("Check the lesson again by this date; `manage.py content_due` lists it after."),
    )

    class Meta:
        ordering = ["module", "order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        indexes = [
            models.Index(
                fields=["module", "status", "order"], name="education_lesson_module_order"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def source_rows(self) -> list[list[str]]:
        return [[s.title, s.url] for s in self.sources.order_by("order", "pk")]

    def content_payload(self):
        return self.content_fields()


class LessonSource(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sources")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("URL"), max_length=500)
    editor_note = models.CharField(
        _("editor note"),
        max_length=300,
        blank=True,
        help_text=_("For editors only: never shown to patients."),
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title


class CurriculumFile(models.Model):
    """Which shipped curriculum file was last loaded, by content hash, so that
    reloading an unchanged file leaves admin edits alone."""

    name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("curriculum file")
        verbose_name_plural = _("curriculum files")

    def __str__(self):
        return self.name
