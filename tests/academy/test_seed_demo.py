from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Revision

from academy import roles, search
from academy.models import JoinRequest, LecturerProfile, Membership, Provider, User


def snapshot():
    return {
        "users": User.objects.count(),
        "providers": Provider.objects.count(),
        "memberships": Membership.objects.count(),
        "join_requests": JoinRequest.objects.count(),
        "lecturers": LecturerProfile.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "search": search.SearchDocument.objects.count(),
        "group_members": sum(g.user_set.count() for g in Group.objects.all()),
    }


def test_seed_demo_is_idempotent_and_prints_logins(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = snapshot()
    assert first["users"] >= 6 and first["providers"] >= 5
    assert "member@example.com" in out.getvalue() and "Academy#2026" in out.getvalue()

    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first


def test_seed_demo_content_is_searchable_in_both_scripts(db):
    call_command("seed_demo", stdout=StringIO())
    assert any("餐飲" in doc.title for doc in search.search("餐飲"))
    assert any("餐飲" in doc.title for doc in search.search("餐饮"))


def test_seed_demo_gives_every_staff_group_a_member(db):
    call_command("seed_demo", stdout=StringIO())
    for name in roles.STAFF_GROUPS:
        assert Group.objects.get(name=name).user_set.exists()
    assert Membership.objects.filter(role=Membership.Role.ADMIN).exists()


def test_seed_demo_leaves_a_join_request_for_the_demo_owner(client, db):
    call_command("seed_demo", stdout=StringIO())
    request = JoinRequest.objects.get(user__email="applicant@example.com")
    assert request.status == JoinRequest.Status.PENDING
    assert request.provider.name == "杭州云栈科技有限公司"
    assert not Membership.objects.filter(user=request.user).exists()
    client.force_login(User.objects.get(email="owner@example.com"))
    response = client.get("/en/my-academy/team/")
    assert "applicant@example.com" in response.content.decode()
    assert [r.pk for r in response.context["join_requests"]] == [request.pk]


def test_demo_data_parses_and_its_references_resolve():
    """Records in demo/ name each other by natural key; every key names a record that exists."""
    from academy.demo_data import load
    from academy.models import GrowthStage
    from events.models import Audience, EventKind
    from showcase.models import Enquiry, ServiceKind

    companies = {p["name"] for p in load("academy/providers.yaml")}
    assert {p["growth_stage"] for p in load("academy/providers.yaml")} <= set(GrowthStage.values)
    people = {p["email"]: p for p in load("academy/people.yaml")}
    for person in people.values():
        assert person.get("provider") in companies | {None}
        assert person.get("asks_to_join") in companies | {None}
        assert person.get("group") in {*roles.STAFF_GROUPS, None}

    events = load("events/events.yaml")
    slugs = {e["slug"] for e in events["events"]}
    assert {events["member"], events["staff"]} <= set(people)
    for event in events["events"]:
        assert event["kind"] in EventKind.values
        assert event.get("audience", Audience.SIGNED_IN) in Audience.values
        if "lecturer" in event:
            assert event["lecturer"]["email"] in people
            assert "lecturer" in people[event["lecturer"]["email"]]
    live_qa = load("events/live_qa.yaml")
    assert {live_qa["past"]["event"], live_qa["coming"]["event"]} <= slugs
    assert {live_qa["member"], live_qa["staff"]} <= set(people)

    showcase = load("showcase/providers.yaml")
    companies |= {p["name"] for p in showcase["providers"]}
    assert {row["provider"] for row in showcase["case_providers"]} <= companies
    profiles = load("showcase/profiles.yaml")
    assert profiles["approved_by"] in people
    profiled = {p["company"] for p in profiles["profiles"]}
    assert profiled <= companies
    assert {s["kind"] for p in profiles["profiles"] for s in p["services"]} <= set(
        ServiceKind.values
    )
    showcase_people = load("showcase/people.yaml")
    assert showcase_people["certified_by"] in people
    assert {p["company"] for p in showcase_people["people"]} <= companies
    enquiries = load("showcase/enquiries.yaml")
    assert {e["provider"] for e in enquiries["enquiries"]} <= profiled
    assert {e["status"] for e in enquiries["enquiries"]} <= set(Enquiry.Status.values)
    assert {n["provider"] for n in enquiries["needs"]} <= profiled


def test_seed_demo_makes_what_the_data_names_and_a_second_run_changes_nothing(db):
    from academy.demo_data import load
    from academy.models import ConsentRecord, PrivacyNotice
    from events.models import EventPage, LiveQuestion, LiveQuestionVote, Registration
    from showcase.models import Enquiry, PartnerNeed, ShowcaseProfile

    def everything():
        counts = {
            model.__name__: model.objects.count()
            for model in (
                EventPage,
                Registration,
                LiveQuestion,
                LiveQuestionVote,
                ShowcaseProfile,
                Enquiry,
                PartnerNeed,
                PrivacyNotice,
                ConsentRecord,
            )
        }
        return {**snapshot(), **counts}

    call_command("seed_demo", stdout=StringIO())
    first = everything()
    call_command("seed_demo", stdout=StringIO())
    assert everything() == first

    assert {p["email"] for p in load("academy/people.yaml")} <= set(
        User.objects.values_list("email", flat=True)
    )
    named = [p["slug"] for p in load("academy/site.yaml")["pages"]]
    named += [e["slug"] for e in load("events/events.yaml")["events"]]
    named += list(load("academy/english.yaml")["pages"])
    live = set(Page.objects.live().values_list("slug", flat=True))
    assert set(named) <= live
    english = set(Page.objects.filter(locale__language_code="en").values_list("slug", flat=True))
    assert set(load("academy/english.yaml")["pages"]) <= english
    assert set(ShowcaseProfile.objects.values_list("provider__name", flat=True)) == {
        p["company"] for p in load("showcase/profiles.yaml")["profiles"]
    }
