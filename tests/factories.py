import factory
from wagtail.models import Page, Site

from academy.models import (
    GrowthStage,
    HomePage,
    JoinRequest,
    LecturerProfile,
    Membership,
    Provider,
    StandardPage,
    User,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"学员{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        obj.save()
        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"示例服务商{n}有限公司")
    city = "杭州"
    growth_stage = GrowthStage.CAPABILITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = Membership.Role.MEMBER


class JoinRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to join a company (what a sign-up with its name leaves)."""

    class Meta:
        model = JoinRequest

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    status = JoinRequest.Status.PENDING
    language = "en"


class LecturerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LecturerProfile

    user = factory.SubFactory(UserFactory)
    city = "深圳"
    specialties = "小程序电商, 微信支付"
    # A lecturer who agreed to be listed (academy/privacy.py records the consent in the app).
    listed = True


def make_home_page() -> HomePage:
    """A published HomePage as the default site's root, replacing Wagtail's welcome page."""
    root = Page.get_first_root_node()
    for page in root.get_children():
        page.delete()
    home = HomePage(
        title="服务商学院",
        slug="home",
        hero_title="和服务商一起成长",
        hero_intro="学习、认证、交流。",
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return home


def publish_article(
    parent: Page, title: str, body_text: str = "", slug: str | None = None
) -> StandardPage:
    page = StandardPage(
        title=title,
        slug=slug or f"p{Page.objects.count()}",
        intro="",
        body=[("paragraph", f"<p>{body_text}</p>")] if body_text else [],
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
