"""Fuzz tests (issue 12, "bad input gets a 4xx, never a 500"), all in test_fuzz.py: every GET
route of the URL map with junk query strings and path arguments (asking.py), every public and
member form with junk in each field (posting.py), on the demo academy (conftest.py). They run in
`make test` and, on PostgreSQL, in `make test-services`."""
