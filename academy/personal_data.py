"""What the academy holds about a person: one registry that every app adds its own kind of data to.

The "My data" page, the ZIP download and the account closure all walk this registry, so a new
kind of personal data is added in one place: a `Section` in the owning app's
`personal_data.py` module (found on first use, like wagtail_hooks), e.g.

    from academy import personal_data

    @personal_data.register
    class Consents(personal_data.Section):
        key = "consents"                      # consents.csv in the ZIP, "consents" in data.json
        title = _("Consents")
        order = 15                            # place on the page and in the ZIP
        erase_order = 500                     # place in the closure (the user row goes last)

        def collect(self, user):
            return [{"consent": c.kind, "given": c.given_at, "withdrawn": c.withdrawn_at}
                    for c in Consent.objects.filter(user=user)]

        def erase(self, user, *, log):
            log("consents deleted", Consent.objects.filter(user=user).delete()[0])

`collect(user)` returns flat dicts (one CSV row each: str, numbers, dates, bools, None) of this
person's data only. `erase(user, log=...)` runs inside the closure's transaction and says what it
did through `log(what, count)`: counts, never names. `closure_refusal(user)` may give a reason
the account cannot be closed yet (the last administrator of a company with other members);
`keepsakes(user)` lists files to offer before the closure (signed certificate PDFs).

academy imports no app; each app imports this module (design.md's one-way dependencies).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

Log = Callable[[str, int], None]

_sections: dict[str, Section] = {}
_discovered = False
_discovery_lock = threading.Lock()


class Section:
    """One kind of data about a person. Subclass, set the attributes, register."""

    key: str = ""
    title = ""
    order: int = 100
    erase_order: int = 500
    # Shown when the person has none of it.
    empty_text = _("The academy holds nothing of this kind about you.")

    def collect(self, user) -> list[dict]:
        raise NotImplementedError

    def erase(self, user, *, log: Log) -> None:
        """Erase or anonymise this kind of data for a closing account (one transaction)."""

    def closure_refusal(self, user) -> str | None:
        return None

    def keepsakes(self, user) -> list[Keepsake]:
        """Files the person may want to save before their account is closed (signed PDFs)."""
        return []


@dataclass
class Keepsake:
    label: str
    path: str  # a site path (no language prefix), linked from the page and the e-mail


def register(section_class: type[Section]) -> type[Section]:
    """Class decorator: add a section to the registry (its key must be new)."""
    section = section_class()
    if not section.key:
        raise ValueError(f"{section_class.__name__} needs a key")
    existing = _sections.get(section.key)
    if existing is not None and type(existing).__qualname__ != section_class.__qualname__:
        raise ValueError(f"two personal-data sections named {section.key!r}")
    _sections[section.key] = section
    return section_class


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _discovery_lock:
        if not _discovered:
            # academy's own sections, then every installed app's personal_data module.
            from . import personal_data_sections  # noqa: F401

            autodiscover_modules("personal_data")
            _discovered = True


def sections() -> list[Section]:
    """Every section, in the page's order."""
    _discover()
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def erasure_order() -> list[Section]:
    _discover()
    return sorted(_sections.values(), key=lambda s: (s.erase_order, s.key))


@dataclass
class Collected:
    section: Section
    rows: list[dict]

    @property
    def columns(self) -> list[str]:
        """Every key of every row, in first-seen order (the CSV header)."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)


def collect(user) -> list[Collected]:
    """Everything the academy holds about `user`, section by section."""
    return [Collected(section, list(section.collect(user))) for section in sections()]


def closure_refusals(user) -> list[str]:
    """Reasons the account cannot be closed now (empty: it can)."""
    return [reason for s in sections() if (reason := s.closure_refusal(user))]


def keepsakes(user) -> list[Keepsake]:
    return [k for s in sections() for k in s.keepsakes(user)]


def erase(user, log: Log) -> None:
    """Run every section's erase step, the user row's last; call inside one transaction."""
    for section in erasure_order():
        section.erase(user, log=lambda what, count, key=section.key: log(f"{key}: {what}", count))
