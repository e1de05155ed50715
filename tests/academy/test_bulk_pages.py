"""Bulk page insertion writes the tree paths treebeard would write: an upgrade that changes the
encoding fails here rather than corrupting the page tree of a large data set."""

import string

import pytest
from wagtail.models import Page

from academy.bulk_pages import add_live_children, path_step, step_number
from academy.models import StandardPage

pytestmark = pytest.mark.django_db


def test_the_path_encoding_is_treebeards_documented_one():
    # Wagtail keeps treebeard's defaults: steps of 4 characters in base 36 (0-9, A-Z).
    assert Page.steplen == 4
    assert Page.alphabet == string.digits + string.ascii_uppercase
    for number in (1, 9, 10, 35, 36, 1295, 1296, 36**4 - 1):
        step = path_step(number)
        assert len(step) == 4 and int(step, 36) == number
        assert step_number(step) == number
    with pytest.raises(ValueError):
        path_step(36**4)


def _standard(n: int) -> StandardPage:
    return StandardPage(title=f"批量文章 {n}", slug=f"bulk-article-{n}", intro="批量生成。")


def test_bulk_children_continue_and_are_continued_by_treebeard(home_page):
    first = home_page.add_child(instance=_standard(0))
    pages = add_live_children(home_page, [_standard(n) for n in range(1, 41)])
    # After a child treebeard added, numbered on from it…
    assert [p.path[-4:] for p in pages[:2]] == [path_step(2), path_step(3)]
    assert pages[-1].path == home_page.path + path_step(41)
    # …and treebeard's own next child follows the bulk ones.
    home_page.refresh_from_db()
    last = home_page.add_child(instance=_standard(41))
    assert last.path == home_page.path + path_step(42)
    assert Page.find_problems() == ([], [], [], [], [])
    home_page.refresh_from_db()
    assert home_page.numchild == 42
    assert list(home_page.get_children().values_list("pk", flat=True)) == [
        first.pk,
        *(p.pk for p in pages),
        last.pk,
    ]


def test_bulk_pages_are_live_specific_pages_with_their_urls(client, home_page):
    [page] = add_live_children(home_page, [_standard(1)])
    stored = Page.objects.get(pk=page.pk)
    assert stored.live and stored.specific_class is StandardPage
    assert stored.url_path == f"{home_page.url_path}bulk-article-1/"
    assert StandardPage.objects.get(pk=page.pk).intro == "批量生成。"
    assert client.get(stored.url).status_code == 200
