"""The project's message catalogues as the lead will merge them, and the libraries' catalogues
as Django would merge them without ours. Used by the shadowing guard and the glossary check."""

import gettext
import json
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.conf.locale import __file__ as django_conf_locale

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# Django's language code → the catalogue folder and the key of locale/new/*.json entries.
CATALOGUES = {
    "zh-hans": ("zh_Hans", "zh_hans"),
    "zh-hant": ("zh_Hant", "zh_hant"),
    "en": ("en", None),
}


def _key(context, msgid):
    return f"{context}\x04{msgid}" if context else msgid


@cache
def project_catalogue(language: str) -> dict[str, str]:
    """(context\\x04)msgid → msgstr (plural forms joined by \\n) of locale/<lang>/django.po, with the
    pending locale/new/*.json entries applied: new entries added, "override" ones replacing."""
    folder, json_key = CATALOGUES[language]
    with (LOCALE_DIR / folder / "LC_MESSAGES" / "django.po").open("rb") as f:
        po = read_po(f)
    messages = {}
    for m in po:
        if not m.id or m.fuzzy:
            continue
        msgid = m.id[0] if isinstance(m.id, tuple) else m.id
        msgstr = "\n".join(m.string) if isinstance(m.string, tuple) else m.string
        messages[_key(m.context, msgid)] = msgstr
    if json_key:
        for path in sorted((LOCALE_DIR / "new").glob("*.json")):
            for entry in json.loads(path.read_text(encoding="utf-8")):
                text = entry.get(json_key)
                if text is None and json_key == "zh_hant":
                    # fill_hant.py derives zh_Hant from zh_Hans at merge time; the guard only
                    # needs to know an entry exists, the zh_Hans check covers its words.
                    continue
                key = _key(entry.get("msgctxt"), entry["msgid"])
                if entry.get("override") or key not in messages or not messages[key]:
                    messages[key] = text
    return messages


@cache
def library_catalogue(language: str) -> dict[str, tuple[str, str]]:
    """msgid → (app, msgstr) that the installed libraries give without our catalogue: Django's own
    first, then INSTALLED_APPS from last to first, the earlier app winning, as Django merges."""
    folder = CATALOGUES[language][0]
    sources = [("django", Path(django_conf_locale).parent)]
    for config in reversed(list(apps.get_app_configs())):
        if Path(config.path).is_relative_to(settings.BASE_DIR) and ".venv" not in config.path:
            continue  # our own apps: their strings live in LOCALE_PATHS
        sources.append((config.name, Path(config.path) / "locale"))
    merged: dict[str, tuple[str, str]] = {}
    for name, localedir in sources:
        mo = localedir / folder / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            continue
        with mo.open("rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog
        plurals: dict[str, list[str]] = {}
        for key, msgstr in catalog.items():
            if not key:
                continue
            if isinstance(key, tuple):
                plurals.setdefault(key[0], []).append((key[1], msgstr))
            elif msgstr:
                merged[key] = (name, msgstr)
        for msgid, forms in plurals.items():
            text = "\n".join(s for _, s in sorted(forms))
            if text.strip():
                merged[msgid] = (name, text)
    return merged
