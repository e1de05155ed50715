"""Sections other apps add to My academy, without academy importing them.

An app registers a Wagtail hook in its wagtail_hooks.py:

    @hooks.register(MY_ACADEMY_SECTIONS)
    def learning_section(request):
        return Section(key="learning", order=10, template="courses/includes/my_learning.html",
                       context={"enrollments": ...})

The view collects them; a key with no section keeps My academy's own empty state.
"""

from dataclasses import dataclass, field

from wagtail import hooks

MY_ACADEMY_SECTIONS = "academy_my_academy_sections"


@dataclass
class Section:
    key: str
    template: str
    order: int = 100
    context: dict = field(default_factory=dict)


def my_academy_sections(request) -> dict[str, Section]:
    sections = [fn(request) for fn in hooks.get_hooks(MY_ACADEMY_SECTIONS)]
    return {s.key: s for s in sorted(filter(None, sections), key=lambda s: s.order)}
