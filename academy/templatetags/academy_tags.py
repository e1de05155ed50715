"""Template tags of the site shell: language-aware paths, the language switcher, names as written.

Simplified Chinese is served without a prefix, English under /en/ and Traditional Chinese under
/zh-hant/ (design.md, "Contracts"). Content is shown in the reader's script by academy.script,
which leaves alone what `{% as_written %}` marks.
"""

from __future__ import annotations

import re

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page

from academy import fragments, localisation
from academy.script import AS_WRITTEN, HANS, HANT, written_in
from academy.script import as_written as mark_as_written

register = template.Library()

# Han characters (the basic and extension blocks, compatibility ideographs).
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def _language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _prefix(code: str) -> str:
    """The URL prefix of a language: none for the default (prefix_default_language=False)."""
    return "" if code == settings.LANGUAGE_CODE else f"/{code}"


def _strip_language_prefix(path: str) -> str:
    for code in _language_codes():
        prefix = f"/{code}"
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix) :] or "/"
    return path


def path_in_language(path: str, code: str) -> str:
    """`path` (an unprefixed site path such as /courses/) as served in language `code`."""
    if not path.startswith("/") or path.startswith("//"):
        return path  # external or relative: nothing to prefix
    return _prefix(code) + _strip_language_prefix(path)


@register.simple_tag
def lang_path(path: str) -> str:
    """`{% lang_path "/courses/" %}` → /courses/, /en/courses/ or /zh-hant/courses/."""
    return path_in_language(str(path), translation.get_language() or settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language: [{code, name, url, is_current}], settings order."""
    request = context.get("request")
    current = translation.get_language() or settings.LANGUAGE_CODE
    full_path = request.get_full_path() if request is not None else "/"
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(full_path, code)
        if url == full_path and code != current:
            # Paths no URL pattern resolves (a 404) still switch language by their prefix.
            path, sep, query = full_path.partition("?")
            url = path_in_language(path, code) + sep + query
        links.append({"code": code, "name": name, "url": url, "is_current": code == current})
    return links


@register.simple_tag
def as_written(value) -> str:
    """A person's own name as they typed it, never converted to the reader's script.

    `{% as_written user %}` → <bdi data-as-written translate="no">林怡君</bdi>. <bdi> also keeps a
    Latin or Arabic name from reordering the text around it.
    """
    return format_html('<bdi {} translate="no">{}</bdi>', mark_safe(AS_WRITTEN), value)


@register.filter(name="as_written")
def as_written_text(value) -> str:
    """`{{ name|as_written }}`: the same for plain text (e-mails), where no element can carry
    the mark; academy.script.for_language leaves it as typed and removes the mark."""
    return mark_as_written("" if value is None else str(value))


@register.simple_tag
def in_language(text, language) -> str:
    """`{% in_language "餐飲" "zh-Hant" %}` → <span lang="zh-Hant">餐飲</span>: text in another
    script or language than the page keeps it (academy.script converts by the nearest lang)."""
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def in_section(path: str, section_url: str) -> bool:
    """Whether the request path lies in the site section at `section_url` (for aria-current)."""
    path, section_url = str(path), str(section_url)
    if section_url.rstrip("/") in {"", *(f"/{c}" for c in _language_codes())}:
        return path == section_url
    return path == section_url or path.startswith(section_url)


# Chinese has no spaces, so a browser breaks a heading between any two characters; keeping each
# clause whole (after ，、。！？：；) stops a headline being cut mid-word.
_CLAUSE_END = re.compile(r"(?<=[，、。！？：；])")


@register.filter(needs_autoescape=True)
def clauses(value, autoescape=True):
    """Wrap each clause of a Chinese heading in <span class="clause"> so lines break between them."""
    text = conditional_escape(value) if autoescape else str(value)
    parts = [p for p in _CLAUSE_END.split(str(text)) if p]
    if len(parts) < 2:
        return mark_safe(text)
    return mark_safe("".join(f'<span class="clause">{p}</span>' for p in parts))


@register.simple_tag(takes_context=True)
def content_lang(context, item=None) -> str:
    """` lang="zh-Hans"` on content shown in Chinese to a reader of English (screen readers).

    `item` is the page (or translatable snippet) whose words the element holds; without one, the
    page being served; "original" for words that are never translated (names of industries,
    products, people). Pages shown in the reader's language (academy/localisation.py) get nothing.
    """
    if localisation.reads_original():
        return ""
    if item is None:
        item = context.get("page")
    if localisation.shown_in_reader_language(item):
        return ""
    return mark_safe(f' lang="{localisation.LANG_TAGS[localisation.default_language()]}"')


@register.filter
def in_original(value) -> str:
    """`{{ industry|in_original }}`: a word that is never translated (an industry, a product),
    marked as Chinese for a reader of English; for interpolating into a translated sentence,
    where `{% content_lang "original" %}` has no element to go on."""
    attribute = content_lang({}, "original")
    return format_html("<span{}>{}</span>", attribute, value) if attribute else value


@register.simple_tag
def typed_lang(text) -> str:
    """` lang="…"` on text a reader typed (a search query) when it is Chinese on a page in another
    language: the script it is recognisably written in, else plain `zh`, which academy.script
    leaves as written, so the echo is never converted away from what the reader typed."""
    text = "" if text is None else str(text)
    if localisation.reads_original() or not CJK.search(text):
        return ""
    script = written_in(text)
    tag = {HANS: "zh-Hans", HANT: "zh-Hant"}.get(script, "zh")
    return mark_safe(f' lang="{tag}"')


@register.simple_tag(takes_context=True)
def shown_in_original_language(context, item=None) -> bool:
    """Whether a reader of another language gets `item` (default: the page) in the original."""
    if localisation.reads_original():
        return False
    item = context.get("page") if item is None else item
    return isinstance(item, Page) and not localisation.shown_in_reader_language(item)


@register.filter
def in_reader_language(pages):
    """Pages (one or a list) with their words in the reader's language where they have them."""
    if pages is None or pages == "":
        return pages
    if isinstance(pages, Page):
        localisation.show_in_reader_language([pages])
        return pages
    pages = list(pages)
    localisation.show_in_reader_language(pages)
    return pages


@register.simple_tag
def footer_text():
    """The footer's text in the reader's language, else the original's (academy.FooterText)."""
    from academy.models import FooterText

    return FooterText.for_reader()


# My academy's own sections; a registered section (academy.sections) with one of these keys
# replaces the built-in empty state, any other key is shown after them.
BUILT_IN_SECTIONS = (
    "assignments",
    "teaching",
    "questions_to_answer",
    "learning",
    "certificates",
    "events",
)


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """Render a My academy section (academy.sections.Section) with its own context added."""
    template = context.template.engine.get_template(section.template)
    with context.push(section=section, **section.context):
        return template.render(context)


@register.filter
def extra_sections(sections) -> list:
    """Registered sections other than the built-in ones, in their order."""
    return [s for key, s in (sections or {}).items() if key not in BUILT_IN_SECTIONS]


@register.filter
def elided_pages(page_obj) -> list:
    """Page numbers around the current page, with Paginator.ELLIPSIS for the gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )


class FragmentNode(template.Node):
    def __init__(self, name: str, options: set[str], nodelist):
        self.name = name
        self.options = options
        self.nodelist = nodelist

    def render(self, context):
        key = None
        if not context.get("shell_uncached"):
            key = fragments.fragment_key(
                self.name,
                context.get("request"),
                path="path" if "path" in self.options else "full",
                for_reader="for_reader" in self.options,
                personal="personal" in self.options,
                # The search box shows the query (a view's context, normally from the URL too).
                extra=(str(context.get("query") or ""),),
            )
        outermost = not context.get(fragments.MARKERS_CONTEXT_KEY)
        html = fragments.get(key)
        if html is None:
            if key is None:
                html = self.nodelist.render(context)
            else:
                # Slots write markers, so the stored copy holds nobody's own badges.
                with context.push({fragments.MARKERS_CONTEXT_KEY: True}):
                    html = self.nodelist.render(context)
                fragments.store(key, str(html))
        if outermost:
            html = fragments.fill_slots(str(html), context.get("request"))
        return mark_safe(html)


@register.simple_tag(takes_context=True)
def slot(context, name, pk, value=None):
    """`{% slot "course-status" course.pk course.learner_status %}`: the reader's own badge.

    In a shared fragment, a marker filled per reader (academy/fragments.py); elsewhere the badge
    drawn from `value`, which the page computed.
    """
    if context.get(fragments.MARKERS_CONTEXT_KEY):
        return mark_safe(fragments.slot_marker(name, pk))
    return mark_safe(fragments.render_slot(name, value))


@register.tag(name="shared_fragment")
def do_shared_fragment(parser, token):
    """`{% shared_fragment "header" for_reader %}…{% endshared_fragment %}`: a part kept in the cache.

    Options: `for_reader` (keyed on the reader's role: account links), `personal` (keyed on the
    user's id), `path` (keyed on the path without the query string). Keys and the rule of what a
    fragment may show: academy/fragments.py.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared_fragment %} needs a name")
    name = bits[1].strip("\"'")
    options = set(bits[2:])
    unknown = options - {"for_reader", "personal", "path"}
    if unknown:
        raise template.TemplateSyntaxError(
            f"{{% shared_fragment %}}: unknown options {sorted(unknown)}"
        )
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return FragmentNode(name, options, nodelist)
