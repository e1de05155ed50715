"""Bulk insertion of Wagtail pages, for large data sets (seed_bench, query-ceiling tests,
bench/pages.py) where Page.add_child's per-page bookkeeping would take minutes.

The tree paths are computed here from treebeard's documented materialized-path settings
(`Page.alphabet`, `Page.steplen`: each step is the child's number written in that alphabet,
left-padded to steplen) and its public `get_last_child()`; no private treebeard method.
tests/academy/test_bulk_pages.py checks that treebeard agrees (`find_problems()` finds
nothing, and `add_child` continues the numbering), so a change of encoding in a Wagtail or
treebeard upgrade fails a test instead of corrupting a tree.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page


def path_step(number: int) -> str:
    """The path step of the `number`-th child (1-based), as treebeard writes it."""
    alphabet, base = Page.alphabet, len(Page.alphabet)
    digits = ""
    while number:
        number, digit = divmod(number, base)
        digits = alphabet[digit] + digits
    if len(digits) > Page.steplen:
        raise ValueError(f"more children than a path step of {Page.steplen} can number")
    return digits.rjust(Page.steplen, alphabet[0])


def step_number(step: str) -> int:
    """The inverse of path_step: which child a path step numbers."""
    number = 0
    for character in step:
        number = number * len(Page.alphabet) + Page.alphabet.index(character)
    return number


def add_live_children(parent, pages: list, batch_size: int = 200) -> list:
    """Insert many live pages of one specific type under `parent`, fast.

    Page.add_child costs a dozen queries a page (tree bookkeeping, revisions, reference and
    search indexes); large data sets (query-ceiling tests, bench/pages.py) instead compute the
    treebeard paths here and bulk-insert the base Page rows, then the specific rows. The pages
    are live with no revision, which is all the front end reads. Search indexes are not updated.
    """
    if not pages:
        return []
    model = type(pages[0])
    parent = Page.objects.get(pk=parent.pk)
    last = parent.get_last_child()
    step = step_number(last.path[-Page.steplen :]) if last else 0
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    bases = []
    for offset, page in enumerate(pages, start=1):
        page.depth = parent.depth + 1
        page.path = parent.path + path_step(step + offset)
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.content_type = content_type
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.first_published_at or now
        page.last_published_at = page.first_published_at
        bases.append(Page(**{f.attname: getattr(page, f.attname) for f in base_fields}))
    Page.objects.bulk_create(bases, batch_size=batch_size)
    if connection.vendor == "sqlite" and bases[0].pk is None:  # old SQLite: no RETURNING
        ids = dict(Page.objects.filter(path__in=[b.path for b in bases]).values_list("path", "pk"))
        for base in bases:
            base.pk = ids[base.path]
    own_fields = model._meta.local_concrete_fields
    for page, base in zip(pages, bases, strict=True):
        page.pk = page.id = page.page_ptr_id = base.pk
    for start in range(0, len(pages), batch_size):
        model._base_manager._insert(pages[start : start + batch_size], fields=own_fields)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return pages
