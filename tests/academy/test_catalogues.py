"""The project's catalogues: they shadow no library translation and follow locale/glossary.md.

Django merges LOCALE_PATHS over every app's catalogue, so a msgid of ours (with the same
msgctxt, usually none) that Wagtail, allauth or Django also translate replaces their words on
their own screens: our pagination's "Pages" (分页) became the Wagtail admin's "Pages", our
question "Type" (题型) the page list's "Type" column. Our words that mean something else carry a
msgctxt instead. The catalogues are read as the lead will merge them: the .po files with
locale/new/*.json applied (tests/academy/catalogues.py).
"""

import ast
import re
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.academy.catalogues import (
    CATALOGUES,
    LOCALE_DIR,
    library_catalogue,
    project_catalogue,
)

# Where our catalogue deliberately says something else than a library for the same msgid, and why.
# Keep it short: a different meaning is never a reason (give our message a context instead).
DELIBERATE = {
    # Wagtail's zh_Hant says 搜索 and 用戶 (Mainland usage); Taiwan's UI words are 搜尋 and 使用者.
    ("zh-hant", "Search"): "搜尋",
    ("zh-hant", "user"): "使用者",
    # Wagtail's zh_Hant has the typo 己核准 for 已核准.
    ("zh-hant", "Approved"): "已核准",
}


def shadowed(language: str) -> list[str]:
    ours = project_catalogue(language)
    libraries = library_catalogue(language)
    found = []
    for key, text in ours.items():
        if not text or key not in libraries:
            continue
        app, theirs = libraries[key]
        if text.strip() != theirs.strip() and DELIBERATE.get((language, key)) != text:
            found.append(f"{key!r}: ours {text!r}, {app} {theirs!r}")
    return found


@pytest.mark.parametrize("language", CATALOGUES)
def test_project_catalogue_shadows_no_library_translation(language):
    assert shadowed(language) == []


def test_pagination_and_question_type_keep_their_words_without_taking_wagtails():
    hans = project_catalogue("zh-hans")
    assert hans["pagination\x04Pages"] == "分页"
    assert hans["question type\x04Type"] == "题型"
    # Whatever still says the bare words (Wagtail's admin) gets Wagtail's own translation: ours
    # either no longer has them or agrees.
    assert hans.get("Pages", "页面") == "页面" and hans.get("Type", "类型") == "类型"
    with translation.override("zh-hans"):
        assert (gettext("Pages"), gettext("Type")) == ("页面", "类型")


def test_a_pending_invitation_and_the_waitlist_count_are_different_messages():
    hans = project_catalogue("zh-hans")
    assert hans["invitation status\x04pending"] == "待接受"
    assert hans["people on the waitlist, after their number\x04waiting"] == "人候补"


def _wagtail_gap_msgids() -> list[str]:
    module = Path(__file__).resolve().parents[2] / "academy" / "wagtail_messages.py"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) in {"gettext_noop", "ngettext_lazy"}
    ]


def test_wagtail_messages_missing_from_its_zh_hans_are_ours_and_translated():
    msgids = _wagtail_gap_msgids()
    assert "Autosave is paused" in msgids
    assert "The page could not be created due to validation errors." in msgids
    hans = project_catalogue("zh-hans")
    untranslated = [m for m in msgids if not hans.get(m)]
    assert untranslated == []


# --- Glossary ---------------------------------------------------------------------------------


def glossary_forbidden() -> list[tuple[str, str | None]]:
    """(variant, the msgctxt in which it is allowed or None) from the glossary's Not column."""
    rows = (LOCALE_DIR / "glossary.md").read_text(encoding="utf-8").splitlines()
    forbidden = []
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in {"English", "---"} or not cells[3]:
            continue
        for item in cells[3].split("、"):
            match = re.fullmatch(r"(\S+?)(?: \((.+)\))?", item.strip())
            forbidden.append((match.group(1), match.group(2)))
    return forbidden


def traditional_usage_forbidden() -> list[str]:
    """The Simplified-usage words fill_hant.py replaces; none may be left in zh_Hant."""
    sys.path.insert(0, str(LOCALE_DIR))
    try:
        from fill_hant import GLOSSARY
    finally:
        sys.path.remove(str(LOCALE_DIR))
    replacements = set(GLOSSARY.values())
    # 文件 is both replaced (→ 檔案) and a replacement (文檔 → 文件): Taiwan's word for document.
    return [word for word in GLOSSARY if word not in replacements]


def test_glossary_lists_forbidden_variants():
    variants = dict(glossary_forbidden())
    assert "你" in variants
    assert variants["分页"] == "pagination"


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_catalogues_follow_the_glossary(language):
    forbidden = glossary_forbidden()
    if language == "zh-hant":
        forbidden += [(word, None) for word in traditional_usage_forbidden()]
    libraries = library_catalogue(language)
    slips = []
    for key, text in project_catalogue(language).items():
        context = key.split("\x04")[0] if "\x04" in key else None
        if key in libraries and libraries[key][1].strip() == (text or "").strip():
            continue  # a library's own words, which we only repeat
        for variant, allowed_in in forbidden:
            if variant in (text or "") and context != allowed_in:
                slips.append(f"{key!r}: {text!r} uses {variant}")
    assert slips == []
