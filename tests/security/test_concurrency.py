"""Many patients submitting at once lose no answer; a doubled submit stores one
attempt (PostgreSQL, real concurrent connections)."""

import threading
import uuid

import pytest
from django.db import close_old_connections, connection

from education import services
from education.models import AttemptAnswer, LessonCompletion, QuizAttempt
from tests.builders import correct_answers, make_patient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent database connections"
)


def test_concurrent_submissions_are_all_stored_once(transactional_db, clinic, pathway):
    stage = pathway.pathway_modules.order_by("order").first().module
    quiz = stage.quiz
    patients = [make_patient(clinic=clinic, pathway=pathway) for _ in range(6)]
    for patient in patients:
        for lesson in stage.lessons.all():
            LessonCompletion.objects.create(patient=patient, lesson=lesson, lesson_version=1)
    answers = correct_answers(quiz)
    barrier = threading.Barrier(12)
    errors = []

    def submit(patient, key):
        try:
            barrier.wait(timeout=30)
            services.quiz_attempt_submit(
                enrollment=patient.enrollments.get(),
                quiz=quiz,
                answers=answers,
                submission_key=key,
            )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = []
    for patient in patients:
        key = uuid.uuid4()
        # Each patient double-submits the same form at the same moment.
        threads += [threading.Thread(target=submit, args=(patient, key)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert QuizAttempt.objects.count() == len(patients)
    assert AttemptAnswer.objects.count() == len(patients) * quiz.questions.count()
    for patient in patients:
        enrollment = patient.enrollments.get()
        assert enrollment.quiz_attempts.get().passed
