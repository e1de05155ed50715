"""Teaching topics: the list events offer as an event's topic, and who may teach one.

Certification owns the programmes whose certificates authorise topics, but events must not
import certification (design.md: events learns who may teach from the lecturer's record in
academy). So certification registers, at start-up, a function listing its programmes' topics;
events reads the list through `topics()` and the authorisation through `authorised()`, both
here in academy, the layer they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_sources: list[Callable[[], Iterable[str]]] = []


def register_topic_source(source: Callable[[], Iterable[str]]) -> None:
    """Called once by an app that defines teaching topics (certification's programmes)."""
    if source not in _sources:
        _sources.append(source)


def topics() -> list[str]:
    """Every topic some programme authorises, each once, in the order the sources give them."""
    seen: list[str] = []
    for source in _sources:
        for topic in source():
            topic = topic.strip()
            if topic and topic not in seen:
                seen.append(topic)
    return seen


def authorised(lecturer, topic: str) -> bool:
    """Whether `lecturer` (a LecturerProfile) holds a valid certificate covering `topic`:
    certification writes those topics onto the record while the certificate is valid."""
    return bool(topic) and lecturer is not None and topic.strip() in lecturer.authorised_topics
