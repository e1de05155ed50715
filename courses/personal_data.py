"""courses' kinds of personal data (academy/personal_data.py): enrolments, lesson progress, where
the person stopped in lesson videos, and questions under lessons and cases.

At an account's closure enrolments and progress stay, tied to the anonymised user row, as the
anonymous statistics the learning report counts; they hold nothing typed by the person. Resume
points go (a resume point is no statistic), and so does what the person typed in questions,
answers and reports."""

from django.utils.translation import gettext_lazy as _

from academy import personal_data

from .models import (
    Answer,
    Enrollment,
    LessonProgress,
    PlaybackPosition,
    Question,
    QuestionReport,
    QuestionVote,
)


@personal_data.register
class Enrolments(personal_data.Section):
    key = "enrolments"
    title = _("Courses and progress")
    order = 30

    def collect(self, user):
        return [
            {
                "course": e.course.title,
                "enrolled": e.enrolled_at,
                "completed": e.completed_at,
                "last lesson opened": e.last_lesson.title if e.last_lesson else "",
            }
            for e in Enrollment.objects.filter(user=user).select_related("course", "last_lesson")
        ]

    def erase(self, user, *, log):
        log("enrolments kept as anonymous statistics", Enrollment.objects.filter(user=user).count())


@personal_data.register
class Lessons(personal_data.Section):
    key = "lesson_progress"
    title = _("Lessons")
    order = 31

    def collect(self, user):
        return [
            {
                "lesson": p.lesson.title,
                "completed": p.completed_at,
                "knowledge check score (%)": p.check_score,
                "knowledge check attempts": p.check_attempts,
                "updated": p.updated_at,
            }
            for p in LessonProgress.objects.filter(user=user)
            .select_related("lesson")
            .order_by("updated_at", "pk")
        ]

    def erase(self, user, *, log):
        log(
            "lesson progress kept as anonymous statistics",
            LessonProgress.objects.filter(user=user).count(),
        )


@personal_data.register
class Questions(personal_data.Section):
    """Questions asked, answers written, "me too" votes and reports under lessons and cases.

    At closure what the person typed goes: their questions (with the answers under them), their
    answers (a question left without one waits for an answer again), their votes and reports
    (the counts follow)."""

    key = "questions"
    title = _("Questions and answers")
    order = 32
    erase_order = 150

    def collect(self, user):
        rows = [
            {
                "kind": "question",
                "asked on": q.page.title,
                "question": q.title,
                "text": q.body,
                "status": q.get_status_display(),
                "date": q.created_at,
                "accepted": None,
            }
            for q in Question.objects.filter(asker=user).select_related("page").order_by("pk")
        ]
        rows += [
            {
                "kind": "answer",
                "asked on": a.question.page.title,
                "question": a.question.title,
                "text": a.body,
                "status": a.question.get_status_display(),
                "date": a.created_at,
                "accepted": a.accepted_at,
            }
            for a in Answer.objects.filter(author=user)
            .select_related("question__page")
            .order_by("pk")
        ]
        rows += [
            {
                "kind": "me too",
                "asked on": v.question.page.title,
                "question": v.question.title,
                "text": "",
                "status": "",
                "date": v.created_at,
                "accepted": None,
            }
            for v in QuestionVote.objects.filter(user=user)
            .select_related("question__page")
            .order_by("pk")
        ]
        rows += [
            {
                "kind": "report",
                "asked on": r.question.page.title,
                "question": r.question.title,
                "text": r.reason,
                "status": "",
                "date": r.created_at,
                "accepted": None,
            }
            for r in QuestionReport.objects.filter(reporter=user)
            .select_related("question__page")
            .order_by("pk")
        ]
        return rows

    def erase(self, user, *, log):
        from .questions_services import forget_person

        for what, count in forget_person(user):
            log(what, count)


@personal_data.register
class PlaybackPositions(personal_data.Section):
    key = "playback_positions"
    title = _("Where you stopped in lesson videos")
    order = 32

    def collect(self, user):
        return [
            {
                "lesson": p.lesson.title,
                "position (seconds)": round(p.position, 1),
                "duration (seconds)": round(p.duration, 1),
                "updated": p.updated_at,
            }
            for p in PlaybackPosition.objects.filter(enrollment__user=user)
            .select_related("lesson")
            .order_by("updated_at", "pk")
        ]

    def erase(self, user, *, log):
        log(
            "playback positions deleted",
            PlaybackPosition.objects.filter(enrollment__user=user).delete()[0],
        )
