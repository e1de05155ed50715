"""courses' kinds of personal data (academy/personal_data.py): enrolments, lesson progress and
where the person stopped in lesson videos (deleted at closure: a resume point is no statistic).

At an account's closure enrolments and progress stay, tied to the anonymised user row, as the anonymous statistics
the learning report counts; they hold nothing typed by the person."""

from django.utils.translation import gettext_lazy as _

from academy import personal_data

from .models import Enrollment, LessonProgress, PlaybackPosition


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
