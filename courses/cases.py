"""Case studies: what a provider built for a merchant, and what it changed, in figures."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy import fragments
from academy.page_lookups import KeptLookupsMixin

from .blocks import CaseSectionBlock, MetricBlock
from .moderation import ReviewedPageMixin


class CaseStudyIndexPage(KeptLookupsMixin, ReviewedPageMixin, Page):
    """The case listing at /cases/, filterable by industry, product and city."""

    intro = models.TextField(_("introduction"), blank=True)

    max_count = 1
    parent_page_types = ["academy.HomePage"]
    subpage_types = ["courses.CaseStudyPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]
    translated_fields = ("intro",)
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("case study listing")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        # The listing is the same for every reader: the template keeps it as a shared fragment,
        # and these queries run only when that fragment is not cached (academy/fragments.py).
        context.update(
            fragments.lazy_context(
                lambda: selectors.case_listing_context(self, request),
                ("filter_form", "filters", "page_obj", "cases"),
            )
        )
        return context


class CaseStudyPage(KeptLookupsMixin, ReviewedPageMixin, Page):
    merchant_name = models.CharField(_("merchant"), max_length=120)
    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences, shown on case cards.")
    )
    provider = models.ForeignKey(
        "academy.Provider",
        verbose_name=pgettext_lazy("service provider company", "provider"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_studies",
        help_text=_("The academy provider who built it, when they are in the academy."),
    )
    industry = models.ForeignKey(
        "academy.Industry",
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="case_studies",
    )
    products = ParentalManyToManyField(
        "courses.Product", verbose_name=_("products used"), blank=True, related_name="case_studies"
    )
    city = models.CharField(_("city"), max_length=40, db_index=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    metrics = StreamField(
        [("metric", MetricBlock())],
        verbose_name=_("results in figures"),
        blank=True,
        block_counts={"metric": {"max_num": 6}},
        help_text=_("The first one is shown on the case card."),
    )
    challenge = StreamField(CaseSectionBlock(), verbose_name=_("challenge"), blank=True)
    solution = StreamField(CaseSectionBlock(), verbose_name=_("solution"), blank=True)
    results = StreamField(CaseSectionBlock(), verbose_name=_("results"), blank=True)

    parent_page_types = ["courses.CaseStudyIndexPage"]
    subpage_types: list[str] = []
    # Words an English version changes (academy/localisation.py): text only, never a record.
    translated_fields = (
        "merchant_name",
        "city",
        "summary",
        "metrics",
        "challenge",
        "solution",
        "results",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("merchant_name"),
                FieldPanel("industry"),
                FieldPanel("city"),
                FieldPanel("provider"),
                FieldPanel("products", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("The merchant"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("metrics"),
        FieldPanel("challenge"),
        FieldPanel("solution"),
        FieldPanel("results"),
        InlinePanel("gallery_images", label=_("Image"), heading=_("Gallery")),
        InlinePanel("related_links", label=_("Related case"), heading=_("Related cases")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("merchant_name"),
        index.SearchField("summary"),
        index.SearchField("challenge"),
        index.SearchField("solution"),
        index.SearchField("results"),
        index.FilterField("city"),
    ]
    api_fields = [
        APIField("merchant_name"),
        APIField("summary"),
        APIField("industry", serializer=serializers.CharField(source="industry.slug")),
        APIField(
            "products",
            serializer=serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True),
        ),
        APIField("city"),
        APIField("metrics"),
        APIField("challenge"),
        APIField("solution"),
        APIField("results"),
    ]

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    @property
    def headline_metric(self):
        """The first metric (shown on cards), or None."""
        return self.metrics[0].value if self.metrics else None

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        # The same for every reader (the questions below it are not): see the index's.
        context.update(
            fragments.lazy_context(
                lambda: selectors.case_page_context(self, request),
                ("industry", "products", "courses", "gallery", "related_cases"),
            )
        )
        return context


class CaseStudyGalleryImage(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class CaseStudyRelatedLink(Orderable):
    page = ParentalKey(CaseStudyPage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        CaseStudyPage,
        verbose_name=_("case study"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("related")]
