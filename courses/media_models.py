"""Lesson video and audio (wagtailmedia's media, with captions) and where each learner stopped.

wagtailmedia 0.19 supports Wagtail 8, so editors upload media with its admin and choose them with
its chooser; this app's model adds what lessons need: WebVTT captions per language, the cues read
from them (transcript, search), and a record of what the media task has already read
(courses/media.py). Duration, width, height and the poster frame (`thumbnail`) are read from the
file by that task, not typed; an editor may still upload a poster of their own.

Media files are served to learners through a permission-checked view that answers range requests
(courses/views_media.py), never by linking `file.url`.
"""

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtailmedia.models import AbstractMedia

CAPTION_LANGUAGES = ("zh-hans", "zh-hant", "en")


def validate_webvtt(value) -> None:
    """An uploaded caption file must be UTF-8 WebVTT with at least one cue."""
    from django.core.exceptions import ValidationError

    from .media import CaptionsInvalid, parse_webvtt

    handle = getattr(value, "file", value)
    try:
        handle.seek(0)
        data = handle.read()
        handle.seek(0)
    except (OSError, ValueError):
        return  # a stored file that is not being replaced: it was checked when uploaded
    try:
        parse_webvtt(data)
    except CaptionsInvalid as error:
        raise ValidationError(str(error)) from error


def _captions_field(label):
    return models.FileField(
        label,
        upload_to="media_captions",
        blank=True,
        validators=[FileExtensionValidator(["vtt"]), validate_webvtt],
        help_text=_(
            "A WebVTT file (.vtt). Captions in one Chinese script are converted for readers of "
            "the other, so one of the two is enough."
        ),
    )


class LessonMedia(AbstractMedia):
    captions_zh_hans = _captions_field(_("captions (Simplified Chinese)"))
    captions_zh_hant = _captions_field(_("captions (Traditional Chinese)"))
    captions_en = _captions_field(_("captions (English)"))
    # {"zh-hans": [[start, end, text], …], "zh-hant": […], "en": […]}: every language a reader
    # can choose, the missing Chinese script converted from the other (media.read_captions).
    cues = models.JSONField(_("caption cues"), default=dict, blank=True, editable=False)
    # What the media task last read (file, poster, caption names): the task does nothing when
    # this matches, so running it twice reads nothing twice (media.process_media).
    processed_signature = models.CharField(max_length=600, blank=True, editable=False)
    # The poster the task made; an editor's own poster (another name) is never replaced.
    generated_poster = models.CharField(max_length=255, blank=True, editable=False)
    processing_error = models.CharField(max_length=300, blank=True, editable=False)

    admin_form_fields = (
        "title",
        "file",
        "collection",
        "thumbnail",
        "captions_zh_hans",
        "captions_zh_hant",
        "captions_en",
        "tags",
    )

    class Meta:
        verbose_name = _("lesson media")
        verbose_name_plural = _("lesson media")

    def caption_file(self, language: str):
        return getattr(self, "captions_" + language.replace("-", "_"))

    @property
    def signature(self) -> str:
        """The names of everything the media task reads; a new upload changes it."""
        names = [self.file.name, self.thumbnail.name if self.thumbnail else ""]
        names += [self.caption_file(language).name or "" for language in CAPTION_LANGUAGES]
        return "|".join(names)[:600]

    @property
    def is_processed(self) -> bool:
        return self.processed_signature == self.signature


class PlaybackPosition(models.Model):
    """Where a learner stopped in one lesson's player, so the lesson resumes there on any device."""

    enrollment = models.ForeignKey(
        "courses.Enrollment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="playback_positions",
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The StreamField block of the player (a lesson may hold more than one).
    block_id = models.CharField(max_length=64)
    position = models.FloatField(_("position (seconds)"), default=0)
    duration = models.FloatField(_("duration (seconds)"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("playback position")
        verbose_name_plural = _("playback positions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson", "block_id"], name="playback_position_once"
            )
        ]

    def __str__(self):
        return f"{self.enrollment_id} · {self.lesson_id} · {self.position:.0f}s"
