import pytest

from tests.factories import PASSWORD, MembershipFactory, UserFactory, make_home_page


@pytest.fixture
def home_page(db):
    return make_home_page()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def member(db):
    return MembershipFactory().user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def password():
    return PASSWORD
