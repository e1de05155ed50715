"""Lesson video and audio: reading uploads, captions in every script, resume points, completion.

- `process_media(pk)` (the Celery task's body) reads an uploaded file once: duration and size
  with ffprobe, a poster frame with ffmpeg, and the caption files into cues. A caption file in
  one Chinese script gives the other script through the project's script rule (academy/script.py),
  so readers of both get captions from one upload.
- `save_position()` remembers where a learner stopped (every ~10 s and on pause, from the player);
  reaching 90 % of the media completes the lesson through services.mark_lesson_complete, the same
  path as the "Mark as complete" button.
- `lesson_transcript_text()` is what site search indexes of a lesson's media: each cue with its
  time, so a search result can link to the moment (`transcript_fragment`).
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from academy import outbox
from academy.errors import AcademyError
from academy.script import HANS, HANT, to_script

from . import services
from .media_models import CAPTION_LANGUAGES, LessonMedia, PlaybackPosition
from .models import Enrollment, LessonPage, LessonProgress

logger = logging.getLogger(__name__)

COMPLETE_AT = 0.9  # share of the media watched that completes the lesson
PROBE_TIMEOUT = 60  # seconds for ffprobe or ffmpeg on one file
MEDIA_BLOCK_TYPES = ("media",)


class CaptionsInvalid(ValueError):
    pass


class MediaError(AcademyError):
    status = 400


class UnknownPlayer(MediaError):
    status = 404


# --- Captions -----------------------------------------------------------------------------------

Cue = tuple[float, float, str]
_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_TAG = re.compile(r"<[^>]*>")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return round(value, 3)


def parse_webvtt(data: bytes | str) -> list[Cue]:
    """The cues of a WebVTT file as (start, end, text); raises CaptionsInvalid with the reason."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CaptionsInvalid("The caption file is not UTF-8 text.") from error
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not lines[0].startswith("WEBVTT"):
        raise CaptionsInvalid("A WebVTT file starts with the line “WEBVTT”.")
    cues: list[Cue] = []
    index = 1
    while index < len(lines):
        match = _TIMING.match(lines[index])
        index += 1
        if not match:
            continue
        text_lines = []
        while index < len(lines) and lines[index].strip():
            text_lines.append(_TAG.sub("", lines[index]).strip())
            index += 1
        start, end = _seconds(match.group(1)), _seconds(match.group(2))
        text = " ".join(t for t in text_lines if t)
        if end > start and text:
            cues.append((start, end, text))
    if not cues:
        raise CaptionsInvalid("The caption file has no cues (lines like 00:01.000 --> 00:04.000).")
    return cues


def _stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def to_webvtt(cues: list) -> str:
    """A WebVTT file of `cues` (what the caption view serves, in any of the three languages)."""
    body = "\n".join(f"{_stamp(start)} --> {_stamp(end)}\n{text}\n" for start, end, text in cues)
    return "WEBVTT\n\n" + body


def read_captions(media: LessonMedia) -> dict[str, list[Cue]]:
    """Cues per language from the uploaded caption files, each Chinese script filled from the
    other when only one was uploaded."""
    cues: dict[str, list[Cue]] = {}
    for language in CAPTION_LANGUAGES:
        field = media.caption_file(language)
        if field:
            with field.open("rb") as handle:
                cues[language] = parse_webvtt(handle.read())
    scripts = {"zh-hans": HANS, "zh-hant": HANT}
    for language, other in (("zh-hans", "zh-hant"), ("zh-hant", "zh-hans")):
        if language not in cues and other in cues:
            cues[language] = [(s, e, to_script(t, scripts[language])) for s, e, t in cues[other]]
    return {language: cues[language] for language in CAPTION_LANGUAGES if language in cues}


# --- Reading an upload ---------------------------------------------------------------------------


@dataclass
class Probe:
    duration: float
    width: int | None
    height: int | None
    has_video: bool


def probe(path: str) -> Probe:
    """Duration and picture size of a media file, read by ffprobe."""
    out = subprocess.run(
        [settings.FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
        + [path],
        check=True,
        capture_output=True,
        timeout=PROBE_TIMEOUT,
    ).stdout
    data = json.loads(out)
    video = next(
        (
            s
            for s in data.get("streams", [])
            if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
        ),
        None,
    )
    return Probe(
        duration=float(data.get("format", {}).get("duration") or 0),
        width=int(video["width"]) if video else None,
        height=int(video["height"]) if video else None,
        has_video=video is not None,
    )


def poster_frame(path: str, at: float) -> bytes:
    """A JPEG of the video's frame at `at` seconds, made by ffmpeg."""
    return subprocess.run(
        [settings.FFMPEG, "-v", "error", "-ss", f"{at:.2f}", "-i", path, "-frames:v", "1"]
        + ["-vf", "scale='min(1280,iw)':-2", "-q:v", "4", "-f", "mjpeg", "pipe:1"],
        check=True,
        capture_output=True,
        timeout=PROBE_TIMEOUT,
    ).stdout


def _local_copy(media: LessonMedia, folder: str) -> str:
    """A path ffprobe can read: the file itself on disk storage, else a temporary copy."""
    try:
        path = media.file.path
    except NotImplementedError:
        path = ""
    if not path or not Path(path).is_file():  # object storage, or storage held in memory
        target = Path(folder) / Path(media.file.name).name
        with media.file.open("rb") as source, open(target, "wb") as copy:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                copy.write(chunk)
        path = str(target)
    return path


def media_changed(media: LessonMedia) -> None:
    """After an upload or edit: have the media task read what changed (after the commit)."""
    if not media.is_processed:
        from . import tasks

        outbox.enqueue(tasks.process_media, media.pk)


def process_media(media_id: int) -> bool:
    """Read duration, poster and captions of one media item; True when it did the work.

    Idempotent: the signature of what was read is stored with the result, and an item whose files
    have not changed since is left alone. The slow part (ffprobe, ffmpeg) runs outside any
    transaction; the result is written only if the files are still the ones that were read.
    """
    media = LessonMedia.objects.filter(pk=media_id).first()
    if media is None or media.is_processed:
        return False
    signature = media.signature
    updates: dict = {"processed_signature": signature, "processing_error": ""}
    poster = None
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = _local_copy(media, folder)
            info = probe(path)
            updates.update(duration=round(info.duration, 3), width=info.width, height=info.height)
            own_poster = media.thumbnail and media.thumbnail.name != media.generated_poster
            if info.has_video and not own_poster:
                poster = poster_frame(path, min(1.0, info.duration / 2))
        except (subprocess.SubprocessError, OSError, ValueError, KeyError) as error:
            logger.warning("Reading media %s failed: %s", media_id, error)
            updates["processing_error"] = str(error)[:300]
    try:
        updates["cues"] = read_captions(media)
    except (CaptionsInvalid, OSError) as error:
        updates["processing_error"] = str(error)[:300]
    with transaction.atomic():
        # The row guards "the result belongs to these files": an edit meanwhile wins.
        current = LessonMedia.objects.select_for_update().filter(pk=media_id).first()
        if current is None or current.signature != signature:
            return False
        if poster:
            if current.generated_poster:
                current.thumbnail.storage.delete(current.generated_poster)
            current.thumbnail.save(f"poster-{media_id}.jpg", ContentFile(poster), save=False)
            updates["thumbnail"] = current.thumbnail.name
            updates["generated_poster"] = current.thumbnail.name
            # The stored poster is part of what was read: its name joins the signature.
            current.thumbnail.name = updates["thumbnail"]
            updates["processed_signature"] = current.signature
        # update(), not save(): the post_save receiver that enqueues this task must not fire.
        LessonMedia.objects.filter(pk=media_id).update(**updates)
    _reindex_lessons_using(media_id)
    return True


def _reindex_lessons_using(media_id: int) -> None:
    """Live lessons showing this media: their search documents now hold its transcript."""
    from academy import search

    for lesson in lessons_using(media_id):
        search.index_object(lesson)


def lessons_using(media_id: int) -> list[LessonPage]:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    page_ids = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(LessonMedia),
        to_object_id=str(media_id),
    ).values_list("object_id", flat=True)
    return list(LessonPage.objects.live().filter(pk__in=[int(pk) for pk in page_ids]))


# --- In a lesson ---------------------------------------------------------------------------------


def media_blocks(lesson: LessonPage) -> list:
    """The lesson's media players (StreamChild), in page order."""
    return [block for block in lesson.body if block.block_type in MEDIA_BLOCK_TYPES]


def player_block(lesson: LessonPage, block_id: str):
    for block in media_blocks(lesson):
        if block.id == block_id and block.value.get("media") is not None:
            return block
    raise UnknownPlayer(block_id)


def _format_time(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


TIME_MARK = "⏱"
_TIME_MARK_RE = re.compile(TIME_MARK + r"(\d+):(\d{2})")


def lesson_transcript_text(lesson: LessonPage, language: str) -> str:
    """The lesson's transcripts as search reads them: "⏱0:12 line ⏱0:18 line …"."""
    parts = []
    for block in media_blocks(lesson):
        media = block.value.get("media")
        if media is None:
            continue
        cues = media.cues.get(language) or next(iter(media.cues.values()), [])
        parts += [f"{TIME_MARK}{_format_time(start)} {text}" for start, _end, text in cues]
    return " ".join(parts)


def transcript_fragment(body: str, folded_body: str, terms: list[str]) -> str:
    """`#t=SECONDS` of the transcript line where the first search term occurs, else ""."""
    positions = [p for p in (folded_body.find(t) for t in terms) if p >= 0]
    if not positions or len(folded_body) != len(body):
        return ""
    marks = list(_TIME_MARK_RE.finditer(body, 0, min(positions) + 1))
    if not marks:
        return ""
    minutes, seconds = marks[-1].groups()
    return f"#t={int(minutes) * 60 + int(seconds)}"


# --- Resume and completion -----------------------------------------------------------------------


@dataclass
class PositionSaved:
    position: PlaybackPosition
    lesson_completed_now: bool
    course_completed_now: bool


def saved_positions(enrollment: Enrollment | None, lesson: LessonPage) -> dict[str, float]:
    """{block id: seconds} where this learner stopped in the lesson's players."""
    if enrollment is None:
        return {}
    return dict(
        PlaybackPosition.objects.filter(enrollment=enrollment, lesson=lesson).values_list(
            "block_id", "position"
        )
    )


def save_position(user, lesson: LessonPage, block_id: str, position: float, duration: float):
    """Remember where `user` stopped; at 90 % of the media the lesson is complete."""
    block = player_block(lesson, block_id)
    media = block.value["media"]
    known = media.duration or duration
    if not (0 <= position < 1e7) or not (0 <= duration < 1e7):
        raise MediaError("position out of range")
    position = min(position, known) if known else position
    course = services.course_of(lesson)
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None:
        raise services.NotEnrolled(course)
    row, _ = PlaybackPosition.objects.update_or_create(
        enrollment=enrollment,
        lesson=lesson,
        block_id=block_id,
        defaults={"position": position, "duration": known},
    )
    lesson_now = course_now = False
    if known and position >= COMPLETE_AT * known and lesson.knowledge_check is None:
        before = (
            LessonProgress.objects.filter(user=user, lesson=lesson)
            .values_list("completed_at", flat=True)
            .first()
        )
        if before is None:
            outcome = services.mark_lesson_complete(user, lesson)
            lesson_now, course_now = True, outcome.course_completed_now
    return PositionSaved(row, lesson_now, course_now)


# --- What the lesson page shows ------------------------------------------------------------------

TRACK_LABELS = {"zh-hans": "简体中文", "zh-hant": "繁體中文", "en": "English"}


@dataclass
class TranscriptLine:
    start: float
    stamp: str
    text: str


@dataclass
class Player:
    block_id: str
    media: LessonMedia
    kind: str  # "video" or "audio"
    src: str
    content_type: str
    poster: str
    tracks: list[dict]
    transcript: list[TranscriptLine]
    transcript_lang: str
    position: float
    position_url: str
    caption: str


def reader_caption_language(available, language: str | None = None) -> str | None:
    """The captions a reader sees first: their interface language's, else Chinese, else any."""
    from django.utils import translation

    language = (language or translation.get_language() or "").lower()
    for choice in (language, "zh-hans", "zh-hant", "en"):
        if choice in available:
            return choice
    return None


def lesson_players(lesson: LessonPage, enrollment: Enrollment | None) -> dict[str, Player]:
    """{block id: Player} for the lesson's media blocks, with the learner's resume points."""
    import mimetypes

    from django.urls import reverse

    from academy.localisation import LANG_TAGS

    positions = saved_positions(enrollment, lesson)
    players = {}
    for block in media_blocks(lesson):
        media = block.value.get("media")
        if media is None:
            continue
        args = [lesson.pk, block.id]
        chosen = reader_caption_language(media.cues)
        tracks = [
            {
                "srclang": LANG_TAGS.get(language, language),
                "label": TRACK_LABELS[language],
                "src": reverse("lesson_media_captions", args=[*args, language]),
                "default": language == chosen,
            }
            for language in CAPTION_LANGUAGES
            if media.cues.get(language)
        ]
        players[block.id] = Player(
            block_id=block.id,
            media=media,
            kind="video" if media.type == "video" else "audio",
            src=reverse("lesson_media_file", args=args),
            content_type=mimetypes.guess_type(media.file.name)[0] or "",
            poster=reverse("lesson_media_poster", args=args) if media.thumbnail else "",
            tracks=tracks,
            transcript=[
                TranscriptLine(start, _format_time(start), text)
                for start, _end, text in media.cues.get(chosen, [])
            ]
            if chosen
            else [],
            transcript_lang=LANG_TAGS.get(chosen, chosen or ""),
            position=positions.get(block.id, 0.0),
            position_url=reverse("lesson_media_position", args=args) if enrollment else "",
            caption=block.value.get("caption") or "",
        )
    return players
