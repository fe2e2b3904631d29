"""Each published question keeps a hash of what patients see of it, and each
answer keeps the hash of the question it answered, so an answer given to an
earlier version of one question is told from answers to unchanged ones."""

import uuid

from education import services
from education.models import AttemptAnswer
from tests.builders import correct_answers
from tests.education.pages import enrollment_of, read_stage, stages


def _answer_first_quiz(patient, pathway):
    module = stages(pathway)[0]
    read_stage(patient, module)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient),
        quiz=module.quiz,
        answers=correct_answers(module.quiz),
        submission_key=uuid.uuid4(),
    )
    return module.quiz


def test_a_published_quiz_gives_each_question_its_own_hash(pathway):
    quiz = stages(pathway)[0].quiz
    hashes = [q.content_hash for q in quiz.questions.all()]
    assert all(len(h) == 64 for h in hashes) and len(set(hashes)) == len(hashes)


def test_an_answer_keeps_the_hash_of_the_question_it_answered(patient, pathway):
    quiz = _answer_first_quiz(patient, pathway)
    answers = list(AttemptAnswer.objects.select_related("question"))
    assert {a.question_hash for a in answers} == {q.content_hash for q in quiz.questions.all()}
    assert not any(a.answered_an_earlier_version for a in answers)


def test_only_the_changed_question_reads_as_an_earlier_version(patient, pathway):
    quiz = _answer_first_quiz(patient, pathway)
    changed, unchanged = quiz.questions.order_by("order")[:2]
    changed.prompt = "A clearer question?"
    changed.save()
    before = unchanged.content_hash
    assert services.content_publish(obj=quiz) is True
    unchanged.refresh_from_db()
    assert unchanged.content_hash == before
    by_question = {a.question_id: a for a in AttemptAnswer.objects.select_related("question")}
    assert by_question[changed.pk].answered_an_earlier_version
    assert not by_question[unchanged.pk].answered_an_earlier_version


def test_the_brief_says_a_misunderstood_question_changed_since(patient, pathway, clinician_client):
    from tests.builders import wrong_answers

    module = stages(pathway)[0]
    read_stage(patient, module)
    enrollment = enrollment_of(patient)
    services.quiz_attempt_submit(
        enrollment=enrollment,
        quiz=module.quiz,
        answers=wrong_answers(module.quiz),
        submission_key=uuid.uuid4(),
    )
    url = f"/clinic/patients/{patient.pk}/"
    notice = "Answered an earlier version of this question"
    assert notice not in clinician_client.get(url).content.decode()
    changed = module.quiz.questions.order_by("order").first()
    changed.prompt = "A clearer question?"
    changed.save()
    services.content_publish(obj=module.quiz)
    page = clinician_client.get(url).content.decode()
    assert page.count(notice) == 1
