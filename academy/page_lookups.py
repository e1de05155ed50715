"""What Wagtail looks up for every page view, kept while content is unchanged: `KeptLookupsMixin`,
a base of every page class of the academy.

Privacy. Before serving a page Wagtail asks `page.get_view_restrictions()`: the page's ancestors (one
query, to resolve aliases) and then the restrictions on any of them (another), for every reader
of every page, although nearly no page is private. The mixin keeps the ids of
the restrictions that apply to a page on the content version (academy/fragments.py): adding,
changing or removing a restriction, and moving or publishing a page, are writes that bump it, so
the very next request sees the change. Only the ids are kept: each restriction is still read and
checked against the request (password, sign-in, groups) exactly as Wagtail does, and a page
without one answers with an empty queryset, which asks nothing.

Language. The site's home page is localized on every request (`Page.route_for_request` asks
`Locale.get_active()`: a query, as does any `page.localized`); the mixin keeps which locale the
reader's language is, and leaves finding a translation to Wagtail.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.models import Locale, PageViewRestriction

from . import fragments


class KeptLookupsMixin:
    def get_view_restrictions(self):
        if not self.pk:
            return super().get_view_restrictions()

        def restriction_ids() -> list[int]:
            restrictions = super(KeptLookupsMixin, self).get_view_restrictions()
            return list(restrictions.values_list("pk", flat=True))

        ids = fragments.versioned("view-restrictions", (self.pk,), restriction_ids)
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)

    @property
    def localized_draft(self):
        # Wagtail's TranslatableMixin.localized_draft, with the active locale kept.
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return self
        try:
            active = fragments.versioned("active-locale", (), lambda: Locale.get_active().pk)
        except (LookupError, Locale.DoesNotExist):
            return self
        if active == self.locale_id:
            return self
        return self.get_translation_or_none(Locale(pk=active)) or self
