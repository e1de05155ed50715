"""What a reader sees, and whether it is in one script (issue 14.7).

`visible_text(html)` gives the text of a page with the language each piece is in (its nearest
`lang`), leaving out scripts, styles, form contents and names marked as written. `impurities()`
lists the characters that do not belong to a script:

- Simplified: characters OpenCC `t2s` would change;
- Traditional: characters the project's own rule (academy.script.to_script, s2tw) would change;
- English: any CJK character.

OpenCC over-converts a few characters that are valid in both scripts (后 → 後 in 皇后, 台 → 臺,
乾 → 干 in 乾隆): those are compared character by character and skipped (stack-notes §10).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from academy.script import HANS, HANT, VOID_ELEMENTS, script_of_language, to_script

# Characters correct in both scripts that OpenCC changes by the context it guesses: s2tw turns
# 台 into 臺, 里 into 裡, 后 into 後, 了 into 瞭, 面 into 麵; t2s turns 乾, 著, 瞭 into 干, 着, 了.
BOTH_SCRIPTS = set("台里后了面乾著瞭")

# Real exceptions, reviewed: text printed exactly as registered or as a person wrote it in a
# place where it cannot be marked {% as_written %} (a PDF, a CSV cell). Each with its reason.
ALLOWED = {
    "港灣餐飲科技（香港）有限公司": "a Hong Kong company's registered name, written in Traditional",
}

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_SKIP = {"script", "style", "textarea", "template", "noscript"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, lang, skipped)
        self.pieces: list[tuple[str | None, str]] = []

    def _state(self):
        return self.stack[-1][1:] if self.stack else (None, False)

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            return
        lang, skipped = self._state()
        attributes = dict(attrs)
        if "lang" in attributes:
            lang = (attributes["lang"] or "").lower()
        if (
            tag in _SKIP
            or "data-as-written" in attributes
            or (attributes.get("translate") or "") == "no"
        ):
            skipped = True
        self.stack.append((tag, lang, skipped))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        lang, skipped = self._state()
        if not skipped and data.strip():
            self.pieces.append((lang, data))


def visible_text(html: str, page_language: str | None = None) -> list[tuple[str | None, str]]:
    """[(language, text)] of what a reader sees; language is the nearest lang, lower case."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [(lang or page_language, text) for lang, text in parser.pieces]


def _without_allowed(text: str) -> str:
    for allowed in ALLOWED:
        text = text.replace(allowed, " ")
    return text


def impurities(text: str, language: str | None) -> list[str]:
    """The characters of `text` that are not in `language`'s script, each with some context."""
    text = _without_allowed(text)
    found = []
    if language is None or not language.startswith("zh"):
        for match in CJK.finditer(text):
            found.append(match.group(0))
        return found
    script = script_of_language(language)
    converted = to_script(text, script) if script == HANT else to_script(text, HANS)
    if len(converted) != len(text):
        return [text[:60]] if converted != text else []
    for index, (before, after) in enumerate(zip(text, converted, strict=True)):
        if before != after and before not in BOTH_SCRIPTS:
            found.append(f"{before}→{after} in …{text[max(0, index - 8) : index + 8]}…")
    return found


def page_impurities(html: str, page_language: str, names: list[str] | tuple = ()) -> list[str]:
    """Everything on a page a reader of `page_language` should not see; [] when it is pure.
    `names` are people's and companies' names as they typed them, printed as written even where
    no element can mark them (a page's <title>)."""
    found = []
    for lang, text in visible_text(html, page_language):
        for name in names:
            text = text.replace(name, " ")
        if page_language == "en":
            if lang and lang.startswith("zh"):
                continue  # Chinese content marked as such: screen readers switch voice.
            found += impurities(text, "en")
        elif lang and lang.startswith("zh"):
            found += impurities(text, lang)
    return found
