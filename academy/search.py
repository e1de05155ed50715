"""Site search that works on Chinese text.

Wagtail's stock backends split text on spaces and punctuation, so a run of Chinese characters is
one token and 餐飲 never finds 餐飲行業小程序案例. Here every indexed text and every query is folded
(OpenCC t2s, lower case) and matched by substring, which finds any Chinese word inside a run and
makes Traditional and Simplified forms meet. Ranking happens in the database: a title hit outweighs
body hits, and more occurrences rank higher. It works the same on SQLite and PostgreSQL.

Apps register what they index once, usually in AppConfig.ready():

    search.register(CoursePage, kind=_("Course"), fields=["summary", "body"])

Pages are indexed when published and dropped when unpublished (academy/receivers.py) or deleted
(the document's foreign key to its page); `manage.py rebuild_search_index` rebuilds everything.

A page and its English version (academy/localisation.py) are two documents of one page: a reader
finds each page once, in their content language where it has a version there, else in the
original (`search`). Text is what a reader sees: StreamField blocks give their values in reading
order, never their field names, and no answer key, link target or choice key.

Who may see a result is decided when searching, not when indexing (`visible_to`): a page's
document joins its Page row, so a page that is unpublished, past its expiry time, or inside a
section whose view restriction the reader cannot pass is left out of the results, their count and
their snippets — the moment the privacy dialog is saved or the page is moved, with nothing to
re-index. The rules are Wagtail's own (BaseViewRestriction.accept_request): "login" lets in any
signed-in user, "groups" members of one of the groups and superusers; a restriction on a page
covers its descendants. Pages behind a shared password never appear, for anyone: the password
is entered per page and per browser session, and a result list is no place to ask for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Length, Replace
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText

from . import fragments, localisation
from .models import SearchDocument
from .script import fold, script_of_language, to_script, written_in

__all__ = [
    "SearchDocument",
    "register",
    "index_object",
    "remove_object",
    "rebuild",
    "search",
    "visible_to",
    "fold",
    "reader_script",
    "to_script",
    "present",
]

TITLE_WEIGHT = 20
MAX_TERMS = 6
SNIPPET_CHARS = 90


def reader_script(query: str, language: str | None) -> str | None:
    """The script the reader reads: what their query is written in, else their UI language."""
    return written_in(query) or script_of_language(language)


@dataclass
class Registration:
    model: type[models.Model]
    kind: Any
    fields: list[str] = field(default_factory=list)
    # The title is a name (a company's): shown as written, never in the reader's script.
    title_as_written: bool = False
    # fragment(body, folded_body, terms) -> "#…": where in the object the terms are (a lesson's
    # transcript links to the second it is said), appended to the result's URL.
    fragment: Callable[[str, str, list[str]], str] | None = None


_registry: dict[type[models.Model], Registration] = {}


def register(
    model: type[models.Model],
    *,
    kind: Any,
    fields: list[str] | tuple[str, ...] = (),
    title_as_written: bool = False,
    fragment: Callable[[str, str, list[str]], str] | None = None,
) -> None:
    """Index `model`'s title (or str()) plus `fields`; `kind` labels its results."""
    _registry[model] = Registration(
        model, kind, list(fields), title_as_written=title_as_written, fragment=fragment
    )


def _fragment_of(doc: SearchDocument, terms: list[str]) -> str:
    for model, reg in _registry.items():
        if model_key(model) == doc.kind:
            return reg.fragment(doc.body, doc.folded_body, terms) if reg.fragment else ""
    return ""


def model_key(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _registration_of_kind(key: str) -> Registration | None:
    for model, reg in _registry.items():
        if model_key(model) == key:
            return reg
    return None


def kind_label(key: str) -> str:
    """The registered label of a document's kind, translated for the current reader."""
    reg = _registration_of_kind(key)
    return str(reg.kind) if reg else ""


def title_as_written(key: str) -> bool:
    reg = _registration_of_kind(key)
    return bool(reg and reg.title_as_written)


def registration_for(obj: models.Model) -> Registration | None:
    for klass in type(obj).__mro__:
        if klass in _registry:
            return _registry[klass]
    return None


# Block values a reader never reads as words: keys of choices, addresses, flags (a knowledge
# check's "correct"), raw markup.
_UNREAD_BLOCKS = (
    blocks.ChoiceBlock,
    blocks.MultipleChoiceBlock,
    blocks.URLBlock,
    blocks.EmailBlock,
    blocks.BooleanBlock,
    blocks.RawHTMLBlock,
)
# Tags that end a run of text: without a space there, "…结束。</p><p>Next" would run together.
_TEXT_BREAK = re.compile(
    r"<br\s*/?>|</?(?:p|h[1-6]|li|ul|ol|div|blockquote|tr|td|th|dt|dd)\b[^>]*>", re.IGNORECASE
)


def html_text(html: str) -> str:
    """The words of an HTML fragment: tags dropped, entities read, blocks kept apart."""
    return unescape(strip_tags(_TEXT_BREAK.sub(" ", html or "")))


def block_texts(block, value) -> list[str]:
    """The texts a reader sees in a block's value, in reading order (values only, no names)."""
    if value is None:
        return []
    if isinstance(value, StreamValue):
        return [text for child in value for text in block_texts(child.block, child.value)]
    if isinstance(block, blocks.StructBlock):
        return [
            text
            for name, child_block in block.child_blocks.items()
            for text in block_texts(child_block, value.get(name))
        ]
    if isinstance(block, blocks.ListBlock):
        return [text for item in value for text in block_texts(block.child_block, item)]
    if isinstance(value, RichText):
        return [html_text(value.source)]
    if isinstance(block, _UNREAD_BLOCKS) or not isinstance(value, str):
        return []  # numbers, dates, pages, images, documents, embeds: not words to search
    return [value]


def text_of(value: Any) -> str:
    """Plain text of a field value: strings, rich text, StreamField values and blocks."""
    if value is None:
        return ""
    if isinstance(value, StreamValue):
        return " ".join(t for t in block_texts(value.stream_block, value) if t)
    if isinstance(value, RichText):
        return html_text(value.source)
    return html_text(str(value))


def _object_text(obj: models.Model, reg: Registration) -> str:
    parts = [getattr(obj, "search_description", "") or ""]
    fields = reg.fields
    if (
        isinstance(obj, Page)
        and localisation.language_of_page(obj) != localisation.default_language()
    ):
        # A version in another language holds its own words only in the fields a translation
        # changes; the rest (a city as a filter value, say) are the original's.
        fields = [name for name in fields if name in localisation.translated_fields(obj)]
    for name in fields:
        parts.append(text_of(getattr(obj, name, None)))
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()


def _is_indexed(obj: models.Model) -> bool:
    """Live pages are indexed whatever their privacy: `visible_to` decides who finds them."""
    if isinstance(obj, Page):
        # An alias shows its original's words: the original's document finds it.
        return obj.live and not obj.alias_of_id
    return getattr(obj, "is_searchable", True)


def index_object(obj: models.Model) -> SearchDocument | None:
    """Write (or drop) the object's search document; returns it when the object is indexed."""
    reg = registration_for(obj)
    if reg is None:
        return None
    if not _is_indexed(obj):
        remove_object(obj)
        return None
    title = getattr(obj, "title", None) or str(obj)
    body = _object_text(obj, reg)
    is_page = isinstance(obj, Page)
    doc, _ = SearchDocument.objects.update_or_create(
        content_type=_content_type_for(obj),
        object_id=obj.pk,
        defaults={
            "page_id": obj.pk if is_page else None,
            "language": localisation.language_of_page(obj) if is_page else "",
            "translation_key": obj.translation_key if is_page else None,
            "kind": model_key(type(obj)),
            "title": title[:255],
            "folded_title": fold(title)[:255],
            "body": body,
            "folded_body": fold(body),
        },
    )
    return doc


def _content_type_for(obj: models.Model) -> ContentType:
    """Pages are keyed by their base Page row, whichever specific class the caller holds."""
    model = Page if isinstance(obj, Page) else type(obj)
    return ContentType.objects.get_for_model(model)


def remove_object(obj: models.Model) -> None:
    SearchDocument.objects.filter(content_type=_content_type_for(obj), object_id=obj.pk).delete()


def rebuild() -> int:
    """Drop and rebuild the whole index; returns the number of documents written."""
    SearchDocument.objects.all().delete()
    count = 0
    for model in _registry:
        queryset = model.objects.all()
        if issubclass(model, Page):
            queryset = queryset.live()
        for obj in queryset.iterator():
            count += index_object(obj) is not None
    return count


def terms_of(query: str) -> list[str]:
    """Folded search terms: words split on whitespace; quotes keep a phrase together."""
    folded = fold(query)
    terms = [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', folded)]
    terms = [t.strip() for t in terms if t.strip()]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def _occurrences(field_name: str, term: str):
    """How often `term` occurs in the field, computed by the database (same SQL on SQLite and PG)."""
    return (Length(field_name) - Length(Replace(field_name, Value(term), Value("")))) / len(term)


def _closed_paths(user) -> list[str]:
    """The paths of the pages whose restrictions keep `user` out, kept until content changes: a
    restriction, a page move and a change of someone's groups are writes that bump it."""

    def find() -> list[str]:
        return list(
            PageViewRestriction.objects.filter(_restrictions_keeping_out(user))
            .values_list("page__path", flat=True)
            .distinct()
        )

    if user is None or not user.is_authenticated:
        reader = ("anonymous",)
    else:
        reader = (user.pk, user.is_superuser)
    return fragments.versioned("closed-paths", reader, find)


def _restrictions_keeping_out(user) -> Q:
    """Which PageViewRestriction rows `user` cannot pass, as Wagtail's accept_request decides."""
    if user is None or not user.is_authenticated:
        return Q()  # every kind of restriction keeps an anonymous reader out
    keeps_out = Q(restriction_type=PageViewRestriction.PASSWORD)
    if not user.is_superuser:
        keeps_out |= Q(restriction_type=PageViewRestriction.GROUPS) & ~Q(groups__user=user)
    return keeps_out


def visible_to(queryset: models.QuerySet[SearchDocument], user) -> models.QuerySet[SearchDocument]:
    """Only the documents `user` (None: an anonymous reader) may open.

    Objects that are not pages pass (their own `is_searchable` decided at indexing). A page
    passes when it is live, not past its expiry time (publish_scheduled unpublishes it only when
    it next runs) and neither it nor an ancestor carries a restriction `user` cannot pass.

    The restricted sections are read first, in one query (there are a handful of restrictions),
    and become `path NOT LIKE 'prefix%'` conditions, as Wagtail's PageQuerySet.public() does. A
    correlated EXISTS comparing each document's path with every restricted page's path was one
    query less, but PostgreSQL (fresh statistics) planned it as a scan of the page table per
    document: 8.5 s for 3,000 documents instead of 30 ms.
    """
    open_page = Q(page__live=True) & (
        Q(page__expire_at__isnull=True) | Q(page__expire_at__gt=timezone.now())
    )
    for path in _closed_paths(user):
        # A restriction covers its page and every page below it, whose paths start with its own.
        open_page &= ~Q(page__path__startswith=path)
    return queryset.filter(Q(page__isnull=True) | open_page)


def in_reader_language(
    queryset: models.QuerySet[SearchDocument], language: str | None = None
) -> models.QuerySet[SearchDocument]:
    """One document per page: its version in the reader's content language, else its original.

    Objects that are not pages have one document and always pass. A reader of the original
    language (zh-hans, zh-hant) never gets an English version's document.
    """
    language = localisation.content_language(language)
    original = localisation.default_language()
    not_a_page = Q(page__isnull=True)
    if language == original:
        return queryset.filter(not_a_page | Q(language=original))
    has_version = SearchDocument.objects.filter(
        translation_key=OuterRef("translation_key"), language=language
    )
    return queryset.filter(
        not_a_page | Q(language=language) | (Q(language=original) & ~Exists(has_version))
    )


def search(query: str, user=None, language: str | None = None) -> models.QuerySet[SearchDocument]:
    """Documents containing every term of `query` that `user` may open, best first.

    `user` None is an anonymous reader; `language` (default: the active one) decides which
    version of a page is searched (`in_reader_language`).
    """
    terms = terms_of(query)
    if not terms:
        return SearchDocument.objects.none()
    queryset = visible_to(SearchDocument.objects.select_related("page"), user)
    queryset = in_reader_language(queryset, language)
    rank = Value(0, output_field=IntegerField())
    for term in terms:
        queryset = queryset.filter(Q(folded_title__contains=term) | Q(folded_body__contains=term))
        rank = (
            rank
            + Case(When(folded_title__contains=term, then=Value(TITLE_WEIGHT)), default=Value(0))
            + _occurrences("folded_body", term)
        )
    return queryset.annotate(rank=rank).order_by(-F("rank"), "-updated_at", "pk")


@dataclass
class Result:
    title: SafeString
    kind: str
    url: str
    snippet: SafeString
    # BCP 47 tag when the result is in another language than the page around it (lang="…").
    lang: str = ""
    # The title is a name to show as written ({% as_written %}: the page's script conversion
    # leaves it alone).
    title_as_written: bool = False


def _highlight(text: str, terms: list[str]) -> SafeString:
    """Escape text and wrap each term occurrence in <mark>; matching happens on folded text."""
    folded = fold(text)
    if not terms or len(folded) != len(text):  # folding changed lengths: offsets would not line up
        return mark_safe(escape(text))
    spans = sorted((m.start(), m.end()) for t in terms for m in re.finditer(re.escape(t), folded))
    out, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def _snippet(body: str, terms: list[str]) -> str:
    """About SNIPPET_CHARS*2 characters of body around the first term found."""
    folded = fold(body)
    positions = [p for p in (folded.find(t) for t in terms) if p >= 0]
    if not positions or len(folded) != len(body):
        start = 0
    else:
        start = max(0, min(positions) - SNIPPET_CHARS // 3)
    end = start + SNIPPET_CHARS * 2
    return ("…" if start else "") + body[start:end] + ("…" if end < len(body) else "")


def present(
    docs: list[SearchDocument], query: str, script: str | None, request=None
) -> list[Result]:
    """Results ready for a template: in the reader's script, terms marked, URLs resolved in bulk."""
    terms = terms_of(query)
    urls = _urls_of(docs, request)
    reader = localisation.content_language()
    return [
        Result(
            title=_highlight(
                doc.title if title_as_written(doc.kind) else to_script(doc.title, script), terms
            ),
            kind=kind_label(doc.kind),
            url=urls.get((doc.content_type_id, doc.object_id), "") + _fragment_of(doc, terms),
            snippet=_highlight(to_script(_snippet(doc.body, terms), script), terms),
            lang=_lang_of(doc, reader),
            title_as_written=title_as_written(doc.kind),
        )
        for doc in docs
    ]


def _lang_of(doc: SearchDocument, reader: str) -> str:
    """lang="…" for a result whose words are in another language than the reader's."""
    language = doc.language or localisation.default_language()
    if language == reader:
        return ""
    return localisation.LANG_TAGS.get(language, language)


def _urls_of(docs: list[SearchDocument], request) -> dict[tuple[int, int], str]:
    """The results' URLs, kept until content changes (a URL is made of page paths and slugs, which
    only content writes change): a search asked again, or its next page, costs no query here."""
    results = tuple((doc.content_type_id, doc.object_id, doc.page_id) for doc in docs)
    host = request.get_host() if request is not None else ""
    return fragments.versioned("result-urls", (host, results), lambda: _find_urls(docs, request))


def _find_urls(docs: list[SearchDocument], request) -> dict[tuple[int, int], str]:
    """Pages come with their document (select_related); other objects cost one query per type,
    with the page they sit on (a question's URL is its page's)."""
    urls = {}
    by_type: dict[int, list[int]] = {}
    for doc in docs:
        if doc.page_id is not None:
            urls[(doc.content_type_id, doc.object_id)] = doc.page.get_url(request) or ""
        else:
            by_type.setdefault(doc.content_type_id, []).append(doc.object_id)
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        objects = model._default_manager.filter(pk__in=ids)
        if any(f.name == "page" and f.many_to_one for f in model._meta.fields):
            objects = objects.select_related("page")
        for obj in objects:
            if isinstance(obj, Page):
                url = obj.get_url(request)
            else:
                url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
            urls[(ct_id, obj.pk)] = url or ""
    return urls
