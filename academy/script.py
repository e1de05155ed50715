"""The reader's script: one rule for every piece of Chinese the academy shows.

Content is written once, mostly in Simplified Chinese, some of it (programme names, an author's
habit) in Traditional. Whoever reads it sees it in their own script: Simplified for zh-hans,
Traditional for zh-hant, as written for English. The conversion happens at the output boundary
and nowhere else:

- HTML pages: `ReaderScriptMiddleware` converts the text of every rendered page (text nodes and
  the human-readable attributes alt/title/aria-label/placeholder), never tags, URLs, scripts,
  styles or form contents. Each element is converted into the script of its nearest `lang`
  (the page's `<html lang>` unless an element says otherwise), so a block marked `lang="zh-Hant"`
  stays Traditional on a Simplified page and an /en/ page leaves Chinese as written.
- Everything else (PDF, e-mail, .ics, CSV/XLSX, the OB3 credential) calls `for_language()` with
  the language it is produced for.

What a person typed as their own name (a display name, a lecturer's name, a company's registered
name) is never converted: templates wrap it in `{% as_written %}` (academy_tags), which marks it
`data-as-written translate="no"`, and the converter leaves such elements alone.

Traditional is Taiwan-standard characters (OpenCC `s2tw`: 為, 裡, 著) without vocabulary swaps
(小程序 stays), with the character choices the UI catalogue makes (locale/fill_hant.py): 平台,
後台, 了解. The same rule fills the catalogue and converts content, so the two never disagree.
"""

from __future__ import annotations

import re
import time
from functools import cache

from django.conf import settings
from django.utils import translation

HANS = "hans"
HANT = "hant"

# Where s2tw picks a standard form the UI catalogue does not use (fill_hant.GLOSSARY): keep the
# catalogue's choice so chrome and content agree. And where OpenCC's phrase table reads our
# business text wrongly: 云为 is "says" in classical text, here it is a cloud company's name
# followed by 为 (北京企服云为学院…), which s2tw leaves as 云為 — converting its own output
# again gives 雲為, so the purity check caught it.
_HANT_USAGE = {"平臺": "平台", "後臺": "後台", "瞭解": "了解", "云為": "雲為"}
_HANT_USAGE_RE = re.compile("|".join(map(re.escape, _HANT_USAGE)))


@cache
def converter(config: str):
    """An OpenCC converter, built once per process (building one reads its dictionaries)."""
    import opencc

    return opencc.OpenCC(config)


def fold(text: str) -> str:
    """Fold text for matching: Traditional → Simplified, lower case, collapsed whitespace."""
    return re.sub(r"\s+", " ", converter("t2s").convert(text or "")).strip().lower()


def to_script(text: str, script: str | None) -> str:
    """`text` in `script`: 'hant' (Traditional), 'hans' (Simplified), or as written (None)."""
    if not text or script is None or text.isascii():
        return text
    if script == HANT:
        converted = converter("s2tw").convert(text)
        return _HANT_USAGE_RE.sub(lambda m: _HANT_USAGE[m.group(0)], converted)
    if script == HANS:
        return converter("t2s").convert(text)
    return text


def script_of_language(language: str | None) -> str | None:
    """The script a language code reads: zh-hans/zh-cn → 'hans', zh-hant/zh-tw/zh-hk → 'hant'.
    Plain `zh` names no script: Chinese left as written (on /en/, content_lang marks content so)."""
    code = (language or "").strip().lower().replace("_", "-")
    if not code.startswith("zh-"):
        return None
    if code in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or code.startswith("zh-hant"):
        return HANT
    return HANS


# Plain text has no element to mark a name with: `as_written()` brackets it with two private-use
# characters instead, which every converter here skips over and removes.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.S)


def as_written(text) -> str:
    """`text` marked to be left exactly as written (a person's or company's own name)."""
    return f"{_OPEN}{text}{_CLOSE}" if text not in (None, "") else ""


def _convert_text(text: str, script: str | None) -> str:
    if _OPEN not in text:
        return to_script(text, script)
    parts = _MARKED.split(text)  # even: text to convert, odd: as written
    return (
        "".join(part if index % 2 else to_script(part, script) for index, part in enumerate(parts))
        .replace(_OPEN, "")
        .replace(_CLOSE, "")
    )


def for_language(text: str, language: str | None = None) -> str:
    """`text` as a reader of `language` (default: the active language) sees it. The boundary
    function for everything that is not an HTML page: PDFs, e-mails, .ics, spreadsheets, the
    credential. Parts marked with `as_written()` stay as they are."""
    if not text:
        return text
    if language is None:
        language = translation.get_language() or settings.LANGUAGE_CODE
    return _convert_text(str(text), script_of_language(language))


def render_text(template_name: str, context: dict, language: str) -> str:
    """A plain-text template (an e-mail's subject or body) rendered in `language` and its script;
    names the template marks `|as_written` stay as typed."""
    from django.template.loader import render_to_string

    with translation.override(language):
        return for_language(render_to_string(template_name, context), language)


def written_in(text: str) -> str | None:
    """The script `text` is recognisably written in ('hant', 'hans'), or None (both or neither)."""
    if text and converter("t2s").convert(text) != text:
        return HANT
    if text and converter("s2t").convert(text) != text:
        return HANS
    return None


# --- HTML ----------------------------------------------------------------------------------------

AS_WRITTEN = "data-as-written"

# A tag with its attributes (quoted values may contain '>'), a comment, or a doctype.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<![^>]*>"
    r"|</?([a-zA-Z][^\s/>]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>",
    re.S,
)
# Raw-text and form elements: their contents are code or what a person is typing.
_RAW = {"script", "style", "textarea", "template"}
# HTML's void elements: no end tag, so they open no scope for `lang`.
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_LANG = re.compile(r"""\slang\s*=\s*["']?([\w-]*)""", re.I)
_PROTECTED = re.compile(r"""\s(?:data-as-written|translate\s*=\s*["']?no\b)""", re.I)
_READABLE_ATTRIBUTE = re.compile(
    r"""(\s(?:alt|title|aria-label|placeholder)\s*=\s*)("[^"]*"|'[^']*')""", re.I
)


def convert_html(html: str, script: str | None) -> str:
    """The text of an HTML document or fragment in the reader's script.

    `script` applies where no `lang` says otherwise; an element's `lang` sets the script of its
    contents (an English element: as written). Elements marked `data-as-written` or
    `translate="no"`, scripts, styles, textareas and comments are left exactly as they are.
    """
    out: list[str] = []
    # Each scope: [tag name, script, protected, nested same-name elements still open].
    scopes: list[list] = []
    current, protected = script, False
    position = 0
    length = len(html)
    while position < length:
        match = _TOKEN.search(html, position)
        end_of_text = match.start() if match else length
        if end_of_text > position:
            text = html[position:end_of_text]
            if not text.isascii():
                if protected:
                    text = text.replace(_OPEN, "").replace(_CLOSE, "")
                else:
                    text = _convert_text(text, current)
            out.append(text)
        if match is None:
            break
        tag = match.group(0)
        name = (match.group(1) or "").lower()
        position = match.end()
        if not name or tag.startswith("<!"):
            out.append(tag)
            continue
        if tag.startswith("</"):
            out.append(tag)
            if scopes and scopes[-1][0] == name:
                if scopes[-1][3]:
                    scopes[-1][3] -= 1
                else:
                    scopes.pop()
                    current, protected = (
                        (scopes[-1][1], scopes[-1][2]) if scopes else (script, False)
                    )
            continue
        attributes = match.group(2) or ""
        tag_script, tag_protected = current, protected
        lang = _LANG.search(attributes)
        if lang:
            tag_script = script_of_language(lang.group(1))
        if _PROTECTED.search(attributes):
            tag_protected = True
        if tag_script and not tag_protected and not tag.isascii():
            tag = _READABLE_ATTRIBUTE.sub(
                lambda m, s=tag_script: m.group(1) + _convert_text(m.group(2), s), tag
            )
        if _OPEN in tag:  # a name marked as written inside an attribute: keep it, drop the mark
            tag = tag.replace(_OPEN, "").replace(_CLOSE, "")
        out.append(tag)
        if name in _RAW and not tag.endswith("/>"):
            close = re.compile(rf"</{name}\s*>", re.I).search(html, position)
            stop = close.start() if close else length
            out.append(html[position:stop])
            position = stop
            continue
        if name in VOID_ELEMENTS or tag.endswith("/>"):
            continue
        if lang or tag_protected != protected:
            scopes.append([name, tag_script, tag_protected, 0])
            current, protected = tag_script, tag_protected
        elif scopes and scopes[-1][0] == name:
            scopes[-1][3] += 1
    return "".join(out)


_HTML_LANG = re.compile(r"<html\b[^>]*?\slang\s*=\s*[\"']?([\w-]+)", re.I)


class ReaderScriptMiddleware:
    """Show every HTML page's Chinese in the reader's script (see the module docstring).

    The page's own `<html lang>` decides, so a Wagtail admin page rendered in an editor's
    preferred language is converted to that language, not the visitor's URL prefix. Streaming
    and non-HTML responses pass untouched; their producers call `for_language()` themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if (
            getattr(response, "streaming", False)
            or not content_type.startswith("text/html")
            or response.has_header("Content-Encoding")
        ):
            return response
        charset = response.charset or "utf-8"
        html = response.content.decode(charset, errors="replace")
        declared = _HTML_LANG.search(html[:2000])
        language = (
            declared.group(1)
            if declared
            else getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
        )
        script = script_of_language(language)
        if script is None and "lang=" not in html:
            return response
        started = time.perf_counter()
        converted = convert_html(html, script)
        if converted != html:
            response.content = converted.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        # How long the conversion took, for whoever measures pages (tests, bench/).
        response.script_conversion_ms = (time.perf_counter() - started) * 1000
        return response
