"""Browser tests in Debian's Chromium (never `playwright install`): see docs on stack notes §4.

Every test here gets pytest-django's live_server, a fresh copy of the demo academy (seed_demo)
and pytest-playwright's page. The whole folder is skipped, with the reason shown, on machines
without /usr/bin/chromium.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
E2E_DIR = Path(__file__).parent

# Playwright's sync API runs an event loop in the test thread, and Django then refuses ORM calls
# from that thread (SynchronousOnlyOperation), even creating the test database. Test-only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if E2E_DIR not in Path(item.path).parents:
            continue
        # Declared as a marker (not only a fixture) so pytest-django serializes the test
        # database when it creates it: live_server's flush after each test would otherwise
        # delete what migrations made (Wagtail's root page, staff groups) for the next test.
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        item.add_marker(pytest.mark.e2e)
        if not CHROMIUM.exists():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file rather than in shared-cache memory.

    live_server answers from several threads while the page autosaves: in shared-cache memory
    two writers fail at once ("database table is locked", no busy wait); in a file the second
    waits for the first, as on any real deployment."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e") / "db.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(playwright, django_db_setup):
    """Create the test database after Playwright has started its event loop in this thread.

    Django's connections are context-local (asgiref.Local), and a running loop changes the
    context: state that database setup leaves on the connection — the serialized contents
    that restore Wagtail's root page and the staff groups after live_server's flush — is only
    seen by tests if setup ran in the same context. That is also why `make test` runs this
    folder in its own pytest process, after the rest of the suite.
    """
    return django_db_setup


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # No entrance animation: axe measures colour contrast on the final frame.
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture
def demo_academy(live_server, django_db_serialized_rollback):
    """The demo content in the test database, served by live_server; returns its base URL.

    live_server implies a transactional database that is flushed after each test; the
    serialized rollback restores what migrations created (Wagtail's root page, staff groups).
    """
    call_command("seed_demo", stdout=StringIO())
    return live_server.url
