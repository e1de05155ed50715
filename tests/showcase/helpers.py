"""Building showcase data for tests: profiles through the services, as admins and staff do."""

from __future__ import annotations

import itertools

from academy.models import Industry, Membership
from courses.models import Product
from showcase import services
from showcase.models import ServiceKind, ShowcaseProfile
from tests.factories import MembershipFactory, ProviderFactory, UserFactory
from tests.growth.factories import CertificateFactory

_counter = itertools.count(1)


def admin_of(provider=None, **provider_fields) -> Membership:
    return MembershipFactory(
        provider=provider or ProviderFactory(**provider_fields), role=Membership.Role.ADMIN
    )


def profile_data(**overrides) -> dict:
    n = next(_counter)
    data = {
        "slug": f"provider-{n}",
        "tagline": "连锁餐饮的点单小程序",
        "about": "我们为餐饮品牌开发小程序。",
        "cities": "杭州, 上海",
        "industries": list(Industry.objects.filter(slug="catering")),
        "active_since": 2018,
        "show_growth_stage": False,
        "open_to_partnerships": False,
    }
    data.update(overrides)
    return data


def service_data(**overrides) -> dict:
    data = {
        "title": "点单小程序",
        "kind": ServiceKind.DEVELOPMENT,
        "industries": list(Industry.objects.filter(slug="catering")),
        "products": list(Product.objects.filter(slug__in=["mini-program", "payments"])),
        "description": "四周上线。",
        "price_from": 10000,
        "price_to": 50000,
        "delivery_weeks": 4,
    }
    data.update(overrides)
    return data


def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def make_profile(admin=None, *, approve=True, services_=(None,), **overrides) -> ShowcaseProfile:
    """A profile saved by its admin (with one service by default), approved unless told not."""
    admin = admin or admin_of()
    profile = services.save_profile(admin, profile_data(**overrides))
    for spec in services_:
        if spec is not False:
            services.save_service(admin, None, service_data(**(spec or {})))
    if approve:
        profile = services.approve_profile(profile.pk, staff())
    return ShowcaseProfile.objects.get(pk=profile.pk)


def certify(provider, *, listed=True):
    """A member of `provider` holding a valid certificate, listed in the lecturer directory."""
    from tests.factories import LecturerProfileFactory

    membership = MembershipFactory(provider=provider)
    LecturerProfileFactory(user=membership.user, listed=listed)
    return CertificateFactory(holder=membership.user)
