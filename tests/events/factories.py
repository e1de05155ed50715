"""Events for tests: published EventPages under one events listing."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from academy import roles
from events.models import EventIndexPage, EventLecturer, EventPage
from tests.factories import LecturerProfileFactory, UserFactory


def make_index(home_page) -> EventIndexPage:
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(title="线下活动", slug="events", intro="城市工作坊与讲师面授课。")
        home_page.add_child(instance=index)
        index.save_revision().publish()
    return index


_counter = iter(range(1, 1_000_000))


def make_event(index: EventIndexPage, *, lecturers=(), publish: bool = True, **fields) -> EventPage:
    n = next(_counter)
    start = fields.pop("start", timezone.now() + timedelta(days=10))
    defaults = {
        "title": f"小程序支付接入实战工作坊 {n}",
        "slug": f"event-{n}",
        "summary": "半天时间，把一套完整的支付流程在沙箱里跑通。",
        "city": "上海",
        "venue": "平台上海创新中心",
        "address": "徐汇区宜山路 1388 号",
        "start": start,
        "end": start + timedelta(hours=3),
        "capacity": 10,
    }
    defaults.update(fields)
    event = EventPage(**defaults, live=publish)
    if lecturers:
        event.lecturer_links = [EventLecturer(lecturer=lecturer) for lecturer in lecturers]
    index.add_child(instance=event)
    revision = event.save_revision()
    if publish:
        revision.publish()
    event.refresh_from_db()
    return event


def event_staff(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=roles.EVENT_STAFF))
    return user


def lecturer_profile(**kwargs):
    return LecturerProfileFactory(**kwargs)


def bulk_events(index: EventIndexPage, count: int, **fields) -> list[EventPage]:
    """`count` live events under `index` in a few queries (no revisions, no signals): for listing
    tests that need hundreds of them (academy.bulk_pages, like the courses' bulk pages)."""
    from academy.bulk_pages import add_live_children

    index.refresh_from_db()
    start = fields.pop("start", timezone.now() + timedelta(days=1))
    first = index.numchild + 1
    cities = ["上海", "北京", "深圳", "成都"]
    events = []
    for n in range(count):
        values = {
            "summary": "把一套完整的支付流程在沙箱里跑通。",
            "city": cities[n % len(cities)],
            "venue": "平台创新中心",
            "start": start + timedelta(hours=6 * n),
            "end": start + timedelta(hours=6 * n + 3),
            "capacity": 30,
        }
        values.update(fields)
        events.append(EventPage(title=f"城市工作坊 {n + 1}", slug=f"bulk-{first + n}", **values))
    return add_live_children(index, events)


def path_of(page, language: str = "") -> str:
    """The page's path on the site, in `language` ("" for the default, "en", "zh-hant")."""
    return (f"/{language}" if language else "") + "/" + page.url_path.split("/", 2)[2]


def certified_lecturer(topics: str = "小程序电商, 微信支付", **kwargs):
    """A lecturer holding a valid certificate of a programme authorising `topics`, authorised
    the way certification does it (sync_authorisations writes the topics onto the record)."""
    from certification.services.issuing import sync_authorisations
    from tests.growth.factories import CertificateFactory, ProgrammeFactory

    lecturer = lecturer_profile(**kwargs)
    CertificateFactory(
        holder=lecturer.user,
        programme=ProgrammeFactory(topics=topics),
        issued_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=700),
    )
    sync_authorisations(lecturer.user)
    lecturer.refresh_from_db()
    return lecturer
