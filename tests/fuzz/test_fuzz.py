"""Bad input gets a 4xx, never a 500, and nothing half-written (issue 12).

Every GET route of the URL map with junk query strings and junk path arguments (asking.py),
every page type of the site with junk query strings, and every public, member and project staff
form with junk in each field (posting.py), on the demo academy seeded once for this module
(conftest.py). One module, so that the demo is seeded once: the whole runs in about half a
minute on SQLite, and in `make test-services` on PostgreSQL, where NUL bytes matter.
"""

import pytest

from . import asking, posting


@pytest.mark.parametrize("route", [asking.route_param(r) for r in asking.ROUTES])
def test_route_answers_junk_query_without_server_error(route, fuzz_db):
    failures = asking.ask_route(fuzz_db, route)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", [pytest.param(r, id=r.id) for r in asking.PAGE_ROUTES])
def test_page_answers_junk_query_without_server_error(route, fuzz_db):
    failures = asking.ask_page(fuzz_db, route)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", [asking.route_param(r) for r in asking.ARGUMENT_ROUTES])
def test_route_answers_junk_path_arguments_without_server_error(route, fuzz_db):
    failures = asking.ask_arguments(fuzz_db, route)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", [posting.case_param(c) for c in posting.CASES])
def test_form_refuses_junk_without_server_error_or_half_writes(case, fuzz_db):
    failures = posting.post_junk(fuzz_db, case)
    assert not failures, "\n".join(failures)
