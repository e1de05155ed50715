"""Join requests decided at the same moment, on PostgreSQL: threads with their own connections.

Runs in `make test-services` (DATABASE_URL on PostgreSQL); skipped on SQLite.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from academy import services
from academy.models import JoinRequest, Membership
from growth.services import GrowthError
from growth.services.team import accept_invitation, invite
from tests.factories import JoinRequestFactory, MembershipFactory, ProviderFactory, UserFactory

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL (make test-services)")


def run_at_once(fns):
    start = threading.Barrier(len(fns))

    def run(fn):
        start.wait()
        try:
            return fn()
        except (services.MembershipError, GrowthError) as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(fns)) as pool:
        return list(pool.map(run, fns))


def test_admins_approving_at_once_make_one_member(postgres):
    request = JoinRequestFactory()
    admins = [
        MembershipFactory(provider=request.provider, role=Membership.Role.ADMIN) for _ in range(4)
    ]
    results = run_at_once(
        [lambda a=a: services.approve_join_request(a, request.pk) for a in admins * 2]
    )
    assert {r.pk for r in results} == {Membership.objects.get(user=request.user).pk}
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED


def test_approve_racing_decline_has_one_outcome(postgres):
    request = JoinRequestFactory()
    admin = MembershipFactory(provider=request.provider, role=Membership.Role.ADMIN)
    results = run_at_once(
        [
            lambda: services.approve_join_request(admin, request.pk),
            lambda: services.decline_join_request(admin, request.pk, "不认识"),
        ]
        * 3
    )
    request.refresh_from_db()
    member = Membership.objects.filter(user=request.user).exists()
    assert member == (request.status == JoinRequest.Status.APPROVED)
    assert any(isinstance(r, services.MembershipError) for r in results)


def test_approval_racing_an_invitation_elsewhere_leaves_one_company(postgres):
    user = UserFactory()
    request = services.request_to_join(user, ProviderFactory())
    requested_admin = MembershipFactory(provider=request.provider, role=Membership.Role.ADMIN)
    inviting_admin = MembershipFactory(provider=ProviderFactory(), role=Membership.Role.ADMIN)
    invitation = invite(inviting_admin, user.email)
    run_at_once(
        [
            lambda: services.approve_join_request(requested_admin, request.pk),
            lambda: accept_invitation(invitation.token, user),
        ]
    )
    assert Membership.objects.filter(user=user).count() == 1
    request.refresh_from_db()
    joined = Membership.objects.get(user=user).provider
    if joined == request.provider:
        assert request.status == JoinRequest.Status.APPROVED
    else:
        assert joined == inviting_admin.provider
        assert request.status == JoinRequest.Status.WITHDRAWN
