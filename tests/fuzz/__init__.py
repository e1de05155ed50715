"""Fuzz tests (issue 12, "bad input gets a 4xx, never a 500"): every GET route of the URL map
with junk query strings and path arguments (test_get_routes.py), every public and member form
with junk in each field (test_forms.py), on the demo academy (conftest.py). They run in
`make test` and, on PostgreSQL, in `make test-services`."""
