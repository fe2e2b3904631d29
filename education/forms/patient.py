"""Forms for the patient pages. They only read and shape what was posted;
the rules (what counts as an answer, flags, limits) live in the services."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from education import grading
from education.models import ChecklistItem, ChecklistResponse, Choice, Question
from education.models.progress import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH

# --- Quiz -------------------------------------------------------------------


@dataclass
class ChoiceRow:
    choice: Choice
    input_id: str
    checked: bool


@dataclass
class QuestionRow:
    number: int
    question: Question
    field_name: str
    choices: list[ChoiceRow]
    error: str = ""

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.allows_many else "radio"


class QuizForm(forms.Form):
    """The hidden fields are ordinary form fields; the answers are read by
    hand because the questions come from the database (``question_<id>``,
    one value per picked choice id)."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    quiz_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args, questions, quiz_version: int, submission_key: uuid.UUID | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        # A fresh key for every rendered form: a double-clicked submit reuses it.
        # The key also draws the order the choices are shown in (grading.choice_order),
        # so a form shown again for the same attempt keeps its order.
        self.fields["submission_key"].initial = submission_key or uuid.uuid4()
        self.fields["quiz_version"].initial = quiz_version
        self.question_errors: dict[str, str] = {}
        self.picked: dict[int, list[int]] = {}
        if self.is_bound:
            self._read_answers()

    @staticmethod
    def field_name(question: Question) -> str:
        return f"question_{question.pk}"

    def _read_answers(self):
        for question in self.questions:
            name = self.field_name(question)
            picked = []
            for raw in self.data.getlist(name):
                try:
                    picked.append(int(raw))
                except (TypeError, ValueError):
                    self.question_errors[name] = _(
                        "That answer could not be read. Please choose again."
                    )
            self.picked[question.pk] = picked

    def clean(self):
        cleaned = super().clean()
        if self.question_errors:
            raise forms.ValidationError(
                _("Some answers need another look. They are marked below."), code="answers"
            )
        return cleaned

    @property
    def general_error(self) -> str:
        """One message for the top of the form."""
        if "submission_key" in self.errors or "quiz_version" in self.errors:
            return _("This form is out of date. Please check your answers and send them again.")
        if self.non_field_errors():
            return self.non_field_errors()[0]
        return ""

    def answers(self) -> dict[int, list[int]]:
        return {question_id: picked for question_id, picked in self.picked.items() if picked}

    def rows(self, errors: dict[str, str] | None = None) -> list[QuestionRow]:
        errors = {**self.question_errors, **(errors or {})}
        order = grading.choice_order(
            [grading.question_spec(q) for q in self.questions],
            str(self.fields["submission_key"].initial),
        )
        rows = []
        for number, question in enumerate(self.questions, start=1):
            name = self.field_name(question)
            picked = set(self.picked.get(question.pk, ()))
            rows.append(
                QuestionRow(
                    number=number,
                    question=question,
                    field_name=name,
                    choices=[
                        ChoiceRow(
                            choice=choice,
                            input_id=f"{name}_{choice.pk}",
                            checked=choice.pk in picked,
                        )
                        for choice in grading.in_order(
                            question.choices.all(), order.get(str(question.pk))
                        )
                    ],
                    error=errors.get(name, ""),
                )
            )
        return rows


# --- Checklist --------------------------------------------------------------


class ChecklistItemForm(forms.Form):
    """One checklist item: yes / no / not sure and an optional note."""

    answer = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=ChecklistItem.Answer.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": gettext_lazy("Keep the note under %(limit_value)d characters.")
        },
    )

    def __init__(self, *args, item: ChecklistItem, response: ChecklistResponse | None, **kwargs):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        if response is not None:
            kwargs.setdefault("initial", {"answer": response.answer, "note": response.note})
        super().__init__(*args, **kwargs)
        self.item = item
        self.response = response
        self.saved = False
        self.fields["answer"].error_messages["invalid_choice"] = _("Choose yes, no or not sure.")

    @property
    def dom_id(self) -> str:
        return f"checklist-item-{self.item.pk}"

    @property
    def is_answered(self) -> bool:
        return bool(self.cleaned_data.get("answer"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("answer") and (cleaned.get("note") or "").strip():
            self.add_error("answer", _("Choose yes, no or not sure to save your note."))
        return cleaned

    def require_answer(self):
        """For the one-item save: an empty post is not an answer."""
        if self.is_valid() and not self.is_answered:
            self.add_error("answer", _("Choose yes, no or not sure."))

    @property
    def param_names(self) -> str:
        """The fields htmx sends for this item alone."""
        return f"{self.add_prefix('answer')},{self.add_prefix('note')}"


_ITEM_FIELD = re.compile(r"^item-(?P<id>[^-]+)-(?:answer|note)$")


def checklist_forms(items, responses, data=None) -> list[ChecklistItemForm]:
    return [ChecklistItemForm(data, item=item, response=responses.get(item.pk)) for item in items]


def unknown_checklist_fields(data, items) -> bool:
    """Whether the post holds answers for items that are not on this checklist."""
    known = {str(item.pk) for item in items}
    return any((match := _ITEM_FIELD.match(key)) and match.group("id") not in known for key in data)


# --- My questions -----------------------------------------------------------


class PatientQuestionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Up to 500 characters. Your clinician sees it before your visit."),
        error_messages={
            "required": gettext_lazy("Write your question first."),
            "max_length": gettext_lazy("Keep each question under %(limit_value)d characters."),
        },
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write your question first."))
        return text
