"""StreamField blocks of event pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class AgendaItemBlock(blocks.StructBlock):
    """One line of the agenda: when, what, and who speaks."""

    time = blocks.CharBlock(
        label=_("time"), max_length=20, help_text=_("For example 14:00 or 14:00–14:40.")
    )
    item = blocks.CharBlock(label=_("item"), max_length=120)
    speaker = blocks.CharBlock(label=_("speaker"), max_length=80, required=False)

    class Meta:
        icon = "time"
        label = _("Agenda item")
