"""The demo academy's own part, from demo/academy/*.yaml: the home page and standard pages, site
settings and footer, provider companies, people, English versions and the privacy notice.

    from academy import demo
    home = demo.seed_home(stdout)

Idempotent: pages are looked up by slug, companies by name, people by e-mail, and only what is
missing is created, so a second run changes nothing and content staff edited is left alone.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, Site

from . import localisation, privacy, services
from .demo_data import load
from .models import (
    ConsentRecord,
    FooterText,
    HomePage,
    Industry,
    JoinRequest,
    LecturerProfile,
    Membership,
    PrivacyNotice,
    Provider,
    SiteSettings,
    StandardPage,
    User,
)

# Configuration rather than content: every demo account's password, printed by seed_demo.
PASSWORD = "Academy#2026"
ENGLISH = "en"


def stream(blocks: list[dict]) -> list[tuple[str, Any]]:
    """A StreamField value from its YAML form, a list of one-key maps (block type → value)."""
    return [(kind, value) for block in blocks for kind, value in block.items()]


def page_fields(spec: dict) -> dict:
    """A page's fields from YAML: lists of one-key maps are StreamField values."""
    return {name: stream(value) if _is_stream(value) else value for name, value in spec.items()}


def _is_stream(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(block, dict) and len(block) == 1 for block in value)
    )


def people() -> list[dict]:
    """The demo accounts as demo/academy/people.yaml lists them (seed_demo prints them)."""
    return load("academy/people.yaml")


def seed_home(stdout) -> HomePage:
    site_data = load("academy/site.yaml")
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's installer leaves a plain "Welcome" page at /; the academy's home replaces it.
        for page in root.get_children().filter(slug="home").exclude(content_type__model="homepage"):
            page.delete()
        home = HomePage(slug="home", **page_fields(site_data["home"]))
        root.add_child(instance=home)
        home.save_revision().publish()
        stdout.write("Created the home page.")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=site_data["site_name"],
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site_data["site_name"]
        site.save()
    return home


def seed_pages(home: HomePage, stdout) -> None:
    for spec in load("academy/site.yaml")["pages"]:
        if StandardPage.objects.filter(slug=spec["slug"]).exists():
            continue
        page = StandardPage(**page_fields(spec))
        home.add_child(instance=page)
        page.save_revision().publish()
        stdout.write(f"Created page {page.title}.")


def seed_settings() -> None:
    site_data = load("academy/site.yaml")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    if not settings.contact_email:
        for name, value in site_data["settings"].items():
            setattr(settings, name, value)
        settings.save()
    if not FooterText.objects.filter(locale=Locale.get_default()).exists():
        FooterText.objects.create(locale=Locale.get_default(), body=site_data["footer"])


def seed_providers(rows: list[dict] | None = None) -> dict[str, Provider]:
    """The companies in `rows` (default: demo/academy/providers.yaml), by name."""
    industries = {i.slug: i for i in Industry.objects.all()}
    providers = {}
    for spec in load("academy/providers.yaml") if rows is None else rows:
        provider, created = Provider.objects.get_or_create(
            name=spec["name"],
            defaults={
                "city": spec["city"],
                "growth_stage": spec["growth_stage"],
                "description": spec["description"],
            },
        )
        if created:
            provider.industries.set([industries[s] for s in spec["industries"] if s in industries])
        providers[provider.name] = provider
    return providers


def demo_user(email: str, name: str | None, **fields) -> User:
    """The demo account with this e-mail, made (with the demo password, e-mail verified) if missing."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name, **fields)
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def seed_people(providers: dict[str, Provider]) -> None:
    for spec in people():
        superuser = spec.get("superuser", False)
        user = demo_user(
            spec["email"],
            spec["name"],
            username=spec["email"].split("@")[0],
            is_staff=bool(spec.get("group") or superuser),
            is_superuser=superuser,
        )
        if spec.get("group"):
            user.groups.add(Group.objects.get(name=spec["group"]))
        if spec.get("provider") and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(
                user=user,
                provider=providers[spec["provider"]],
                role=spec.get("membership_role", Membership.Role.MEMBER),
            )
        if spec.get("lecturer"):
            LecturerProfile.objects.get_or_create(user=user, defaults=spec["lecturer"])
        if spec.get("asks_to_join") and not JoinRequest.objects.filter(user=user).exists():
            # Through the service, as a sign-up does: the company's admins are e-mailed.
            services.request_to_join(user, providers[spec["asks_to_join"]], "zh-hans")


def translate_page(page: Page, locale: Locale, fields: dict, user=None) -> Page | None:
    """An English version of `page` with `fields`, published, as the admin's Translate does.

    Parents without an English version get an alias of the original (copy_parents), as the
    admin requires a translated parent. Returns None when the version exists already.
    """
    page = page.specific
    if page.has_translation(locale):
        return None
    version = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(version, name, value)
    version.save_revision(user=user).publish()
    return version


def seed_english(stdout=None) -> None:
    """English versions of the home page, the footer and the pages demo/academy/english.yaml names.

    Made as an editor makes them in the admin ("Translate", then edit the copy), so the demo shows
    what /en/ looks like with and without an English version. Pages are found by slug and changed
    by field name: the academy app imports no other app here.
    """
    data = load("academy/english.yaml")
    english, _ = Locale.objects.get_or_create(language_code=ENGLISH)
    original = localisation.default_language()
    home = HomePage.objects.filter(locale__language_code=original).first()
    made = []
    if home is not None and translate_page(home, english, page_fields(data["home"])):
        made.append("home page")
    for slug, fields in data["pages"].items():
        page = Page.objects.filter(slug=slug, locale__language_code=original).first()
        if page is not None and translate_page(page, english, page_fields(fields)):
            made.append(slug)
    footer = FooterText.objects.filter(locale__language_code=original).first()
    if footer is not None and not footer.has_translation(english):
        version = footer.copy_for_translation(english)
        version.body = data["footer"]
        version.save()
        made.append("footer")
    if made and stdout is not None:
        stdout.write(f"Created English versions: {', '.join(made)}.")


def seed_privacy(stdout=None) -> None:
    """The privacy notice's first version (demo/academy/privacy.yaml), accepted by every demo
    account so the demo never asks, and the demo lecturers' consent to be listed.

    A choice someone made in the demo since (a listing withdrawn, say) is never overwritten.
    """
    data = load("academy/privacy.yaml")
    version_number = data["version"]
    original = Locale.objects.get(language_code=localisation.default_language())
    notice = PrivacyNotice.objects.filter(locale=original, version=version_number).first()
    if notice is None:
        notice = PrivacyNotice.objects.create(
            locale=original,
            version=version_number,
            material_change=True,
            effective_date=data["effective_date"],
            **data["original"],
        )
        if stdout is not None:
            stdout.write(f"Created the privacy notice, version {version_number}.")
    english = Locale.objects.filter(language_code=ENGLISH).first()
    if english is not None and not notice.has_translation(english):
        version = notice.copy_for_translation(english)
        for name, value in data[ENGLISH].items():
            setattr(version, name, value)
        version.save()

    accepted = set(
        ConsentRecord.objects.filter(
            kind=privacy.Kind.PRIVACY_NOTICE, granted=True, notice_version__gte=version_number
        ).values_list("user_id", flat=True)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            user_id=pk,
            kind=privacy.Kind.PRIVACY_NOTICE,
            granted=True,
            notice_version=version_number,
            source=privacy.Source.DEMO,
        )
        for pk in User.objects.exclude(pk__in=accepted).values_list("pk", flat=True)
    )
    # Demo lecturers agreed to be listed, unless they have since said otherwise in the demo.
    decided = set(
        ConsentRecord.objects.filter(kind=privacy.Kind.PROFILE_LISTING).values_list(
            "user_id", flat=True
        )
    )
    for lecturer in LecturerProfile.objects.exclude(user_id__in=decided).select_related("user"):
        privacy.set_consent(
            lecturer.user, privacy.Kind.PROFILE_LISTING, True, source=privacy.Source.DEMO
        )
