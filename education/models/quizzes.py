"""Quizzes: a stage's quiz, its questions (with the learning objective each
checks and the lesson section that teaches it) and their choices."""

import hashlib
import json

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .content import Lesson, Module, Retirable, Versioned


class Quiz(Versioned):
    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="quiz")
    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (percent)"), default=80, help_text=_("Percent of questions correct.")
    )
    must_pass = models.TextField(
        _("must-pass objectives"),
        blank=True,
        help_text=_(
            "One objective per line, written as on its questions. The stage is not passed "
            "until each is answered right in some attempt, whatever the score."
        ),
    )

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1) & Q(pass_mark__lte=100),
                name="education_quiz_pass_mark_percent",
            ),
        ]

    def __str__(self):
        return self.title

    def must_pass_objectives(self) -> list[str]:
        return [line.strip() for line in self.must_pass.splitlines() if line.strip()]

    def content_payload(self):
        questions = self.questions.order_by("order", "pk").prefetch_related("choices")
        return {
            "title": self.title,
            "pass_mark": self.pass_mark,
            "must_pass": self.must_pass_objectives(),
            "questions": [q.content_payload() for q in questions],
        }


class Question(Retirable):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    objective = models.CharField(
        _("learning objective"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the question checks, in a short sentence. Questions with the same "
            "objective are variants: each attempt asks one of them."
        ),
    )
    prompt = models.CharField(_("prompt"), max_length=400)
    explanation = models.TextField(_("explanation"))
    # sha256 of the question as patients see it (with its choices), set each
    # time its quiz is published; an answer keeps the hash it was given to.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    lesson = models.ForeignKey(
        Lesson,
        verbose_name=_("lesson that teaches it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    section = models.SlugField(
        _("section id"),
        max_length=100,
        blank=True,
        help_text=_("The id of the lesson heading that teaches it, e.g. what-we-dont-know-yet."),
    )

    class Meta(Retirable.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.prompt

    def content_payload(self) -> list:
        return [
            self.objective,
            self.kind,
            self.prompt,
            self.explanation,
            self.lesson_id,
            self.section,
            [[c.text, c.is_correct, c.feedback] for c in self.choices.all()],
        ]

    def compute_content_hash(self) -> str:
        payload = json.dumps(self.content_payload(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def allows_many(self):
        return self.kind == self.Kind.MULTIPLE


class Choice(Retirable):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("text"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=400)

    class Meta(Retirable.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text

    def delete(self, *args, **kwargs):
        # Answers keep the picked choice ids (not a foreign key), so guard here.
        if self.question.answers.exists():
            raise models.ProtectedError(
                f"Choice {self.pk} belongs to an answered question; retire it instead.", {self}
            )
        return super().delete(*args, **kwargs)
