import pytest
from django.core import mail
from django.utils import translation

from tests.events.factories import event_staff, make_event, make_index
from tests.factories import UserFactory


@pytest.fixture
def index(home_page):
    return make_index(home_page)


@pytest.fixture
def event(index):
    return make_event(index)


@pytest.fixture
def event_factory(index):
    def factory(**fields):
        return make_event(index, **fields)

    return factory


@pytest.fixture
def people(db):
    def make(n):
        return [UserFactory() for _ in range(n)]

    return make


@pytest.fixture
def staff(db):
    return event_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what services enqueue on commit (e-mails, signals) as if the transaction committed."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox


@pytest.fixture(autouse=True)
def _no_wagtail_background_tasks(settings):
    """Wagtail's reference-index and search-index tasks run in-process and cost ~0.1 s a page;
    the events tests never read those indexes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _english():
    """Messages from services are read in English here, whatever the site's default language."""
    with translation.override("en"):
        yield
