"""Small builders for test data: explicit, with overrides, no factory library."""

from __future__ import annotations

import itertools

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Clinic, PatientProfile, User
from education import services
from education.models import (
    Checklist,
    ChecklistItem,
    Choice,
    Lesson,
    LessonSource,
    Module,
    Pathway,
    PathwayModule,
    Question,
    Quiz,
)

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_clinic(**overrides) -> Clinic:
    n = next(_seq)
    values = {"name": f"Clinic {n}", "slug": f"clinic-{n}", "contact_phone": "555-0100"}
    values.update(overrides)
    return Clinic.objects.create(**values)


def make_user(*, clinic: Clinic | None = None, role=User.Role.PATIENT, **overrides) -> User:
    n = next(_seq)
    values = {
        "email": f"person{n}@example.test",
        "full_name": f"Person {n}",
        "role": role,
        "clinic": clinic or make_clinic(),
    }
    values.update(overrides)
    return User.objects.create_user(password=PASSWORD, **values)


def make_staff(*, clinic=None, role=User.Role.CLINICIAN, **overrides) -> User:
    return make_user(clinic=clinic, role=role, **overrides)


def make_patient(
    *, clinic=None, pathway=None, primary_clinician=None, consultation_at=None, **overrides
) -> User:
    patient = make_user(clinic=clinic, role=User.Role.PATIENT, **overrides)
    PatientProfile.objects.create(
        user=patient, primary_clinician=primary_clinician, consultation_at=consultation_at
    )
    if pathway is not None:
        services.enrollment_create(patient=patient, pathway=pathway)
    return patient


def add_totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def make_pathway(
    *, modules: int = 2, lessons: int = 2, questions: int = 2, items: int = 3, publish: bool = True
) -> Pathway:
    """A small published pathway: ``modules`` stages of ``lessons`` lessons and a
    quiz of ``questions`` single-choice questions, and a checklist of ``items``
    required acknowledgements."""
    n = next(_seq)
    checklist = Checklist.objects.create(slug=f"checklist-{n}", title=f"Checklist {n}")
    for i in range(items):
        ChecklistItem.objects.create(
            checklist=checklist,
            order=i,
            slug=f"item-{i}",
            kind=ChecklistItem.Kind.ACKNOWLEDGEMENT,
            text=f"I understand point {i}.",
            required=True,
            ok_answer="yes",
        )
    pathway = Pathway.objects.create(slug=f"pathway-{n}", title=f"Pathway {n}", checklist=checklist)
    for m in range(modules):
        module = Module.objects.create(
            slug=f"module-{n}-{m}", title=f"Stage {m + 1}", summary="What this stage covers."
        )
        PathwayModule.objects.create(pathway=pathway, module=module, order=m)
        made_lessons = []
        for li in range(lessons):
            lesson = Lesson.objects.create(
                module=module,
                order=li,
                slug=f"lesson-{n}-{m}-{li}",
                title=f"Lesson {m + 1}.{li + 1}",
                evidence_label="established",
                key_points="One point.\nAnother point.",
                body="Intro text.\n\n## What it means\n\nA short plain paragraph.",
            )
            LessonSource.objects.create(lesson=lesson, title="A source", url="https://example.org/")
            made_lessons.append(lesson)
        quiz = Quiz.objects.create(module=module, title=f"Quiz {m + 1}", pass_mark=50)
        for q in range(questions):
            question = Question.objects.create(
                quiz=quiz,
                order=q,
                kind=Question.Kind.SINGLE,
                prompt=f"Question {q + 1}?",
                explanation="Because the lesson says so.",
                lesson=made_lessons[0] if made_lessons else None,
                section="what-it-means",
            )
            Choice.objects.create(
                question=question, order=0, text="Right", is_correct=True, feedback="Yes."
            )
            Choice.objects.create(
                question=question, order=1, text="Wrong", is_correct=False, feedback="No."
            )
        if publish:
            for lesson in made_lessons:
                services.content_publish(obj=lesson)
            services.content_publish(obj=quiz)
            services.content_publish(obj=module)
    if publish:
        services.content_publish(obj=checklist)
        services.content_publish(obj=pathway)
    return pathway


def correct_answers(quiz: Quiz) -> dict[int, list[int]]:
    return {
        q.pk: [c.pk for c in q.choices.all() if c.is_correct]
        for q in quiz.questions.prefetch_related("choices")
    }


def wrong_answers(quiz: Quiz) -> dict[int, list[int]]:
    return {
        q.pk: [next(c.pk for c in q.choices.all() if not c.is_correct)]
        for q in quiz.questions.prefetch_related("choices")
    }
