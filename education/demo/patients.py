"""Synthetic patients with varied progress, written in bulk so that tens of
thousands take seconds."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, PatientProfile, User

from .. import grading, readiness, selfcheck
from ..models import (
    AttemptAnswer,
    ChecklistItem,
    ChecklistResponse,
    Enrollment,
    LessonCompletion,
    Pathway,
    PatientQuestion,
    QuizAttempt,
    TeachBack,
)
from ..models.assessment import SelfCheck
from ..selectors import Outline, pathway_outline, quiz_questions
from .accounts import DEMO_DOMAIN, SYNTHETIC_PREFIX, at_hour
from .selfchecks import self_checks_for
from .texts import FIRST_NAMES, LAST_NAMES, PATIENT_QUESTIONS, TEACH_BACK_ANSWERS


@dataclass(frozen=True)
class _QuestionPlan:
    pk: int
    objective: str
    correct: list[int]
    wrong: int  # a wrong choice id
    texts: dict[int, str]  # by choice id


@dataclass
class _QuizPlan:
    quiz_id: int
    version: int
    pass_mark: int
    must_pass: list[str]
    questions: list[_QuestionPlan]


def _quiz_plans(outline: Outline) -> dict[int, _QuizPlan]:
    plans = {}
    for stage in outline.stages:
        if stage.quiz is None:
            continue
        rows = []
        for question in quiz_questions(stage.quiz):
            choices = list(question.choices.all())
            correct = [c.pk for c in choices if c.is_correct]
            wrong = next((c.pk for c in choices if not c.is_correct), correct[0])
            texts = {c.pk: c.text for c in choices}
            rows.append(_QuestionPlan(question.pk, question.objective, correct, wrong, texts))
        quiz = stage.quiz
        plans[stage.module.pk] = _QuizPlan(
            quiz.pk, quiz.version, quiz.pass_mark, quiz.must_pass_objectives(), rows
        )
    return plans


def synthetic_patients_create(
    *,
    count: int,
    clinic: Clinic,
    clinicians: list[User],
    pathway: Pathway | None,
    prefix: str = SYNTHETIC_PREFIX,
    seed: int = 7,
) -> int:
    """Create patients ``patient-000001@demo.test`` … up to ``count`` (skipping
    those that exist), each with a consultation date and varied progress."""
    rng = random.Random(seed)
    emails = [f"{prefix}{i:06d}@{DEMO_DOMAIN}" for i in range(1, count + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    todo = [e for e in emails if e not in existing]
    if not todo:
        return 0
    plan = _ProgressPlan.for_pathway(pathway, clinic)
    created = 0
    for start in range(0, len(todo), 2000):
        with transaction.atomic():
            enrollments, n_users = _patients_batch_create(
                rng, todo[start : start + 2000], clinic, clinicians, pathway
            )
            if enrollments:
                _progress_create(rng, enrollments, plan)
            created += n_users
    return created


def _patients_batch_create(rng, emails, clinic, clinicians, pathway):
    """Users and profiles are inserted; the enrollments are returned unsaved
    (their readiness snapshot is filled in first)."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                role=User.Role.PATIENT,
                clinic=clinic,
                password=make_password(None),
                date_joined=now - timedelta(days=rng.randint(1, 60)),
            )
            for email in emails
        ]
    )
    if not users or users[0].pk is None:  # backends without RETURNING
        users = list(User.objects.filter(email__in=emails))
    profiles, enrollments = [], []
    for user in users:
        consult = at_hour(
            now + timedelta(days=rng.randint(-3, 45)), rng.choice([9, 10, 11, 14, 15, 16]), clinic
        )
        primary = rng.choice(clinicians) if clinicians else None
        profiles.append(
            PatientProfile(user=user, primary_clinician=primary, consultation_at=consult)
        )
        if pathway is not None:
            enrollments.append(
                Enrollment(
                    patient=user,
                    pathway=pathway,
                    clinic=clinic,
                    enrolled_by=primary,
                    enrolled_at=user.date_joined,
                    consultation_at=consult,
                )
            )
    PatientProfile.objects.bulk_create(profiles)
    return enrollments, len(users)


@dataclass
class _ProgressPlan:
    """What there is to do on the pathway, read once for every batch."""

    outline: Outline | None
    spec: object
    quizzes: dict[int, _QuizPlan]
    items: list
    checklist_version: int
    # The position of the expectations stage (the number of stages without one).
    expectations_index: int = 0

    @classmethod
    def for_pathway(cls, pathway: Pathway | None, clinic: Clinic) -> _ProgressPlan:
        # The clinic's outline: its own stage and checklist items too.
        outline = pathway_outline(pathway, clinic.pk) if pathway else None
        return cls(
            outline=outline,
            spec=outline.spec() if outline else None,
            quizzes=_quiz_plans(outline) if outline else {},
            items=outline.checklist_items if outline else [],
            checklist_version=pathway.checklist.version if pathway and pathway.checklist else 0,
            expectations_index=_expectations_index(outline),
        )


def _expectations_index(outline: Outline | None) -> int:
    stages = outline.stages if outline else []
    slugs = [stage.module.slug for stage in stages]
    slug = selfcheck.EXPECTATIONS_MODULE_SLUG
    return slugs.index(slug) if slug in slugs else len(stages)


@dataclass
class _Rows:
    """Rows to insert in bulk, for a whole batch of enrollments."""

    completions: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    teach_backs: list = field(default_factory=list)
    self_checks: list = field(default_factory=list)


@dataclass
class _Done:
    """One patient's progress as it is made up."""

    last: object
    read: set = field(default_factory=set)
    passed: set = field(default_factory=set)
    tried: set = field(default_factory=set)
    first_scores: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    open_flags: set = field(default_factory=set)
    teach_backs: set = field(default_factory=set)
    objectives: set = field(default_factory=set)  # (quiz id, objective) answered right
    stages_passed: int = 0


def _progress_create(rng, enrollments, plan: _ProgressPlan):
    """Varied progress: some not started, some mid-way with wrong first
    answers, some with flags, some ready. The snapshot is computed before the
    (unsaved) enrollments are inserted, so no second pass is needed."""
    rows = _Rows()
    for enrollment in enrollments:
        profile = rng.choices(
            ["not_started", "midway", "flagged", "ready"], weights=[20, 40, 15, 25]
        )[0]
        done = _Done(last=enrollment.enrolled_at)
        _stages_progress(rng, enrollment, profile, plan, done, rows)
        if profile in {"flagged", "ready"} or (profile == "midway" and rng.random() < 0.4):
            _checklist_progress(rng, enrollment, profile, plan, done, rows)
        rows.self_checks += self_checks_for(
            rng,
            enrollment,
            started=profile != "not_started",
            past_expectations=done.stages_passed > plan.expectations_index,
            finished=done.stages_passed == len(plan.outline.stages),
            when=done.last,
        )
        if profile != "not_started" and rng.random() < 0.5:
            rows.questions.append(
                PatientQuestion(
                    enrollment=enrollment, text=rng.choice(PATIENT_QUESTIONS), created_at=done.last
                )
            )
        _snapshot_set(enrollment, profile, plan, done)
    _rows_insert(enrollments, rows)


def _stages_progress(rng, enrollment, profile, plan, done: _Done, rows: _Rows):
    n_stages = len(plan.outline.stages)
    if profile == "not_started":
        return
    stages_done = rng.randint(0, max(0, n_stages - 1)) if profile == "midway" else n_stages
    for index, stage in enumerate(plan.outline.stages):
        if index > stages_done:
            break
        partial = index == stages_done
        lessons = stage.lessons[: rng.randint(1, len(stage.lessons))] if partial else stage.lessons
        for lesson in lessons:
            done.last = done.last + timedelta(minutes=rng.randint(5, 600))
            rows.completions.append(
                LessonCompletion(
                    patient_id=enrollment.patient_id,
                    lesson=lesson,
                    lesson_version=lesson.version,
                    completed_at=done.last,
                )
            )
            done.read.add(lesson.pk)
        quiz = plan.quizzes.get(stage.module.pk)
        if not partial and quiz is not None:
            _quiz_progress(rng, enrollment, quiz, done, rows)
        if not partial:
            done.stages_passed = index + 1
        if not partial and stage.module.teach_back.strip():
            done.last = done.last + timedelta(minutes=rng.randint(2, 30))
            rows.teach_backs.append(
                TeachBack(
                    enrollment=enrollment,
                    module=stage.module,
                    prompt=stage.module.teach_back.strip(),
                    text=rng.choice(TEACH_BACK_ANSWERS),
                    answered_at=done.last,
                )
            )
            done.teach_backs.add(stage.module.pk)


def _quiz_progress(rng, enrollment, plan: _QuizPlan, done: _Done, rows: _Rows):
    """First attempt: often one or two misconceptions; then a pass. Each
    attempt draws one variant per objective, as a patient's would."""
    wrong_first = rng.choice([0, 0, 1, 2, 3])
    seed = rng.randrange(1000)
    for number, wrong in enumerate([wrong_first, 0] if wrong_first else [0], start=1):
        done.last = done.last + timedelta(minutes=rng.randint(2, 60))
        drawn = grading.draw(plan.questions, seed=seed, attempt_number=number)
        wrong_ids = set(rng.sample([q.pk for q in drawn], min(wrong, len(drawn))))
        right = {q.objective for q in drawn if q.pk not in wrong_ids and q.objective}
        done.objectives |= {(plan.quiz_id, objective) for objective in right}
        score = round(100 * (len(drawn) - len(wrong_ids)) / len(drawn))
        shown = {objective for quiz_id, objective in done.objectives if quiz_id == plan.quiz_id}
        attempt = QuizAttempt(
            enrollment=enrollment,
            quiz_id=plan.quiz_id,
            quiz_version=plan.version,
            number=number,
            score=score,
            passed=score >= plan.pass_mark
            and not grading.missing_objectives(plan.must_pass, shown),
            submitted_at=done.last,
            submission_key=uuid.uuid4(),
            objectives_right=sorted(right),
        )
        rows.attempts.append(attempt)
        if number == 1:
            done.first_scores.append(score)
        rows.answers.extend(_answers(attempt, drawn, wrong_ids))
        done.tried.add(plan.quiz_id)
        if attempt.passed:
            done.passed.add(plan.quiz_id)
            break


def _answers(attempt, drawn: list[_QuestionPlan], wrong_ids: set[int]) -> list[AttemptAnswer]:
    answers = []
    for question in drawn:
        picked = [question.wrong] if question.pk in wrong_ids else question.correct
        answers.append(
            AttemptAnswer(
                attempt=attempt,
                question_id=question.pk,
                choice_ids=picked,
                answer_text=" · ".join(question.texts[c] for c in picked),
                is_correct=question.pk not in wrong_ids,
            )
        )
    return answers


def _checklist_progress(rng, enrollment, profile, plan, done: _Done, rows: _Rows):
    items = plan.items
    flag_item = rng.choice([i for i in items if i.required]) if profile == "flagged" else None
    for item in items:
        answer = ChecklistItem.Answer.NOT_SURE if item is flag_item else item.ok_answer
        status = (
            ChecklistResponse.FlagStatus.OPEN
            if item.raises_flag(answer)
            else ChecklistResponse.FlagStatus.NONE
        )
        if status == ChecklistResponse.FlagStatus.OPEN:
            done.open_flags.add(item.pk)
        done.answers[item.pk] = answer
        rows.responses.append(
            ChecklistResponse(
                enrollment=enrollment,
                item=item,
                checklist_version=plan.checklist_version,
                answer=answer,
                answered_at=done.last,
                flag_status=status,
            )
        )


def _snapshot_set(enrollment, profile, plan: _ProgressPlan, done: _Done):
    progress = readiness.Progress(
        lessons_read=frozenset(done.read),
        quizzes_attempted=frozenset(done.tried),
        quizzes_passed=frozenset(done.passed),
        checklist_answers=done.answers,
        open_flag_item_ids=frozenset(done.open_flags),
        teach_backs=frozenset(done.teach_backs),
        objectives_shown=frozenset(done.objectives),
        decision_check_asked=True,
        decision_check_answered=done.stages_passed == len(plan.outline.stages),
    )
    result = readiness.evaluate(plan.spec, progress)
    enrollment.readiness_status = result.status.value
    enrollment.progress_percent = result.percent
    enrollment.open_flags = result.open_flags
    enrollment.first_attempt_score = (
        round(sum(done.first_scores) / len(done.first_scores)) if done.first_scores else None
    )
    enrollment.last_activity_at = done.last if profile != "not_started" else None


def _rows_insert(enrollments, rows: _Rows):
    Enrollment.objects.bulk_create(enrollments, batch_size=2000)
    LessonCompletion.objects.bulk_create(rows.completions, batch_size=2000)
    QuizAttempt.objects.bulk_create(rows.attempts, batch_size=2000)
    # The answers and responses hold their (now saved) attempt and enrollment.
    AttemptAnswer.objects.bulk_create(rows.answers, batch_size=2000)
    ChecklistResponse.objects.bulk_create(rows.responses, batch_size=2000)
    PatientQuestion.objects.bulk_create(rows.questions, batch_size=2000)
    TeachBack.objects.bulk_create(rows.teach_backs, batch_size=2000)
    SelfCheck.objects.bulk_create(rows.self_checks, batch_size=2000)
