"""Apply translations that arrived with a branch (locale/new/*.json) to the catalogues.

    make messages && .venv/bin/python locale/apply_new.py && .venv/bin/python locale/fill_hant.py

Each file is a list of {"msgid", "msgctxt", "msgid_plural", "zh_hans", "zh_hant"?, "override"?}.
A message that is missing from the catalogue (not extracted: a typo, or code that was dropped) is
reported and skipped. An existing translation is kept unless the entry says "override": true, so a
branch cannot overwrite a reviewed word by accident. A zh_Hant translation not given is left to
fill_hant.py (marked fuzzy, which makes fill_hant redo it).
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent


def _load(language: str):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return path, read_po(handle, locale=language)


def _save(path: Path, catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)


def _set(message, text: str) -> None:
    message.string = (text,) * max(1, len(message.string)) if message.pluralizable else text
    message.flags.discard("fuzzy")


def main() -> int:
    hans_path, hans = _load("zh_Hans")
    hant_path, hant = _load("zh_Hant")
    missing = []
    for file in sorted((LOCALE / "new").glob("*.json")):
        for entry in json.loads(file.read_text()):
            context = entry.get("msgctxt")
            target = hans.get(entry["msgid"], context=context)
            if target is None:
                missing.append(f"{file.name}: {context or ''}|{entry['msgid']}")
                continue
            override = entry.get("override", False)
            translated = target.string if not target.pluralizable else any(target.string)
            if override or not translated or "fuzzy" in target.flags:
                _set(target, entry["zh_hans"])
                other = hant.get(entry["msgid"], context=context)
                if other is not None:
                    if entry.get("zh_hant"):
                        _set(other, entry["zh_hant"])
                    else:
                        other.flags.add("fuzzy")
    _save(hans_path, hans)
    _save(hant_path, hant)
    for line in missing:
        print("not in the catalogue:", line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
