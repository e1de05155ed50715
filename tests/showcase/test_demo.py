"""The demo tells the showcase's story (issue 16 "Done when"): ten approved profiles over the
five industries, catering providers with certified lecturers first, enquiries on the owner's
team page, and a partnership need that finds its e-invoicing partner. Seeding twice adds none."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from academy.models import Industry, User
from showcase import services
from showcase.models import DirectoryTag, Enquiry, PartnerNeed, ShowcaseProfile

pytestmark = pytest.mark.django_db


def test_demo_showcase(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    public = ShowcaseProfile.objects.filter(published_at__isnull=False)
    assert public.count() == 10
    roots = Industry.objects.filter(parent__isnull=True).values_list("slug", flat=True)
    tagged = set(DirectoryTag.objects.filter(kind="industry").values_list("value", flat=True))
    assert set(roots) <= tagged

    html = client.get("/en/providers/?industry=餐饮").content.decode()
    cards = re.findall(r'<article class="card card--link sc-card">(.*?)</article>', html, re.S)
    assert len(cards) >= 4
    assert "certified lecturer" in cards[0] and "certified lecturer" in cards[1]
    assert "certified lecturer" not in cards[-1]

    assert Enquiry.objects.filter(provider__name="杭州云栈科技有限公司").count() == 3
    client.force_login(User.objects.get(email="owner@example.com"))
    assert "周婷" in client.get("/my-academy/team/enquiries/").content.decode()

    need = PartnerNeed.objects.get()
    suggested = [p.slug for p, _match in services.suggest_partners(need)]
    assert suggested[0] == "yuezhangtong"
