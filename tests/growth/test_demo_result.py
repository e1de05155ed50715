"""The demo owner's diagnosis result: ranked among the demo's catering providers, three
prioritised actions, catering benchmark cases; seeding twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from academy.models import Industry, User
from courses.models import CaseStudyPage
from growth.demo import OWNER_COMPANY
from growth.models import Diagnosis

pytestmark = pytest.mark.django_db


def test_demo_owner_is_ranked_among_catering_providers_with_catering_cases(client):
    call_command("seed_demo", stdout=StringIO())
    cases = CaseStudyPage.objects.count()
    diagnoses = Diagnosis.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (CaseStudyPage.objects.count(), Diagnosis.objects.count()) == (cases, diagnoses)

    owner = User.objects.get(email="owner@example.com")
    latest = Diagnosis.objects.filter(
        provider__name=OWNER_COMPANY, state=Diagnosis.State.COMPLETED
    ).first()
    client.force_login(owner)
    response = client.get(reverse("growth:diagnosis_result", args=[latest.pk]))
    context = response.context

    peers = context["peers"]
    assert peers.group.scope == "industry" and peers.group.label == "餐饮"
    assert peers.directions[0].group_size >= 5

    priorities = context["priorities"]
    assert [p.rank for p in priorities] == [1, 2, 3]
    assert all(p.actions for p in priorities)

    catering = Industry.objects.get(slug="catering")
    cases = context["cases"]
    assert len(cases) == 3 and context["cases_scope"] == "industry"
    assert all(catering.pk in (c.industry_id, c.industry.parent_id) for c in cases)
    assert all(c.provider is None or c.provider.name != OWNER_COMPANY for c in cases)
