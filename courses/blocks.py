"""StreamField blocks of lessons and case studies.

The knowledge check keeps its answer key in the block value, which only the admin and the server
see: its own template shows no options at all, and lesson pages render it through
`courses/includes/knowledge_check.html` from a form whose choices carry no correctness marker.
"""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtailmedia.blocks import AbstractMediaChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "code"]
INLINE_FEATURES = ["bold", "italic", "link", "ol", "ul"]
MAX_QUESTIONS = 5


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(
        label=_("video URL"), help_text=_("A link to the video on its hosting site.")
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class LessonMediaChooserBlock(AbstractMediaChooserBlock):
    """Chooses uploaded video or audio (courses.LessonMedia); MediaBlock's template plays it."""

    def render_basic(self, value, context=None):
        return value.title if value else ""


class MediaBlock(blocks.StructBlock):
    """Uploaded video or audio, played by the browser's own player with captions, a transcript
    and a resume point (courses/media.py). The embed VideoBlock stays for hosted videos."""

    media = LessonMediaChooserBlock(label=_("video or audio"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video or audio (uploaded)")
        template = "courses/blocks/media.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = pgettext_lazy("content block", "Download")
        template = "courses/blocks/download.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[
            ("tip", _("Tip")),
            ("note", pgettext_lazy("callout kind", "Note")),
            ("warning", _("Watch out")),
        ],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=80)
    text = blocks.RichTextBlock(label=_("text"), features=INLINE_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=120)
    text = blocks.TextBlock(label=_("details"), required=False)


class StepListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Step list")
        template = "courses/blocks/steps.html"


class AnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("option"), max_length=200)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question"))
    multiple = blocks.BooleanBlock(
        label=_("more than one answer is correct"),
        required=False,
        help_text=_("Learners tick every correct option; otherwise they choose exactly one."),
    )
    options = blocks.ListBlock(AnswerOptionBlock(), label=_("options"), min_num=2, max_num=6)
    explanation = blocks.TextBlock(
        label=_("explanation"),
        required=False,
        help_text=_("Shown once the learner has answered this question correctly."),
    )

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        if correct == 0:
            message = _("Mark at least one option as correct.")
        elif not value["multiple"] and correct > 1:
            message = _(
                "A single-choice question has exactly one correct option; tick “more than one "
                "answer is correct” or untick the others."
            )
        else:
            return value
        raise StructBlockValidationError(non_block_errors=ErrorList([ValidationError(message)]))


class KnowledgeCheckBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=80, default=_("Check your understanding"))
    intro = blocks.TextBlock(label=_("introduction"), required=False)
    questions = blocks.ListBlock(
        QuestionBlock(), label=_("questions"), min_num=1, max_num=MAX_QUESTIONS
    )
    pass_percentage = blocks.IntegerBlock(
        label=_("pass mark (%)"),
        min_value=1,
        max_value=100,
        default=80,
        help_text=_("Share of questions answered correctly needed to complete the lesson."),
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Knowledge check")
        # Rendered on its own (search index, previews of the block) it shows no options at all.
        template = "courses/blocks/knowledge_check_summary.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=pgettext_lazy("content block", "Text"), features=RICH_TEXT_FEATURES
    )
    image = FigureBlock()
    video = VideoBlock()
    media = MediaBlock()
    download = DownloadBlock()
    callout = CalloutBlock()
    steps = StepListBlock()
    knowledge_check = KnowledgeCheckBlock()

    class Meta:
        # One check per lesson: passing it is what completes the lesson.
        block_counts = {"knowledge_check": {"max_num": 1}}


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("who said it"), required=False, max_length=80)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote.html"


class CaseSectionBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=pgettext_lazy("content block", "Text"), features=RICH_TEXT_FEATURES
    )
    image = FigureBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()


class MetricBlock(blocks.StructBlock):
    label = blocks.CharBlock(
        label=pgettext_lazy("key figure", "label"), max_length=40, help_text=_("e.g. 单日支付笔数")
    )
    value = blocks.CharBlock(label=_("value"), max_length=20, help_text=_("e.g. +300"))
    unit = blocks.CharBlock(label=_("unit"), max_length=12, required=False, help_text=_("e.g. %"))

    class Meta:
        icon = "order"
        label = _("Metric")
