"""A lesson's video and audio: the file (with range requests), its poster, its captions, and the
player's resume point.

Lessons are for enrolled learners, so their media are too: every URL names the lesson and the
player's block, and answers 404 to anyone who may not open the lesson (not signed in, not
enrolled, or the block is not in the lesson). Editors who may edit the lesson see its draft's
media, for the preview.
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy.params import MAX_BIGINT
from academy.ranges import ranged_response

from . import media as media_services
from . import services
from .media_models import CAPTION_LANGUAGES
from .models import Enrollment, LessonPage


def _player(request, lesson_id: int, block_id: str):
    """The lesson (draft for its editors) and its media block, or 404 for anyone else."""
    if lesson_id > MAX_BIGINT:  # no such row; SQLite cannot even compare it
        raise Http404
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None or not request.user.is_authenticated:
        raise Http404
    if lesson.permissions_for_user(request.user).can_edit():
        lesson = lesson.get_latest_revision_as_object()
    elif (
        not lesson.live
        or not Enrollment.objects.filter(
            user=request.user, course=services.course_of(lesson)
        ).exists()
    ):
        raise Http404
    try:
        return lesson, media_services.player_block(lesson, block_id)
    except media_services.UnknownPlayer as error:
        raise Http404 from error


@require_GET
def media_file(request, lesson_id: int, block_id: str):
    _lesson, block = _player(request, lesson_id, block_id)
    media = block.value["media"]
    content_type = mimetypes.guess_type(media.file.name)[0] or "application/octet-stream"
    try:
        return ranged_response(request, media.file, content_type)
    except FileNotFoundError as error:
        raise Http404 from error


@require_GET
def media_poster(request, lesson_id: int, block_id: str):
    _lesson, block = _player(request, lesson_id, block_id)
    media = block.value["media"]
    if not media.thumbnail:
        raise Http404
    content_type = mimetypes.guess_type(media.thumbnail.name)[0] or "image/jpeg"
    try:
        return ranged_response(request, media.thumbnail, content_type)
    except FileNotFoundError as error:
        raise Http404 from error


@require_GET
def media_captions(request, lesson_id: int, block_id: str, language: str):
    _lesson, block = _player(request, lesson_id, block_id)
    cues = block.value["media"].cues.get(language) if language in CAPTION_LANGUAGES else None
    if not cues:
        raise Http404
    response = HttpResponse(media_services.to_webvtt(cues), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
@login_required
def save_position(request, lesson_id: int, block_id: str):
    """The player reports where the learner is (every ~10 s and on pause); JSON in and out."""
    lesson = LessonPage.objects.live().filter(pk=min(lesson_id, MAX_BIGINT)).first()
    if lesson is None:
        raise Http404
    try:
        position = float(request.POST.get("position", ""))
        duration = float(request.POST.get("duration", "0") or 0)
    except ValueError:
        return JsonResponse({"error": _("The position must be a number of seconds.")}, status=400)
    try:
        saved = media_services.save_position(request.user, lesson, block_id, position, duration)
    except services.NotEnrolled:
        raise Http404 from None
    except media_services.UnknownPlayer:
        raise Http404 from None
    except media_services.MediaError as error:
        return JsonResponse({"error": _("The position is out of range.")}, status=error.status)
    return JsonResponse(
        {
            "position": saved.position.position,
            "lesson_completed_now": saved.lesson_completed_now,
            "course_completed_now": saved.course_completed_now,
        }
    )
