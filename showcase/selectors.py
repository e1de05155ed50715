"""Read queries of the directory, the profile page and the API, decided once here.

The directory runs a fixed number of queries whatever the number of providers: the ranking's
figures (certified lecturers, case studies, latest activity) are correlated subqueries of the one
listing query, the cards read the approved copy (JSON) and two small vocabularies (industries,
products). tests/showcase/test_directory.py pins the ceiling.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from academy.localisation import originals, show_in_reader_language
from academy.models import Industry
from academy.script import fold
from certification.models import Certificate
from certification.services import sharing
from courses.models import CaseStudyPage, Product
from courses.selectors import CARD_IMAGE, industry_tree, with_cover

from .models import DirectoryTag, ServiceKind, ShowcaseProfile

PAGE_SIZE = 12
MAX_TERMS = 6
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def valid_certificates() -> QuerySet:
    """Certificates that count publicly: valid, not past expiry, of a lecturer who chose to be
    listed (the lecturer directory's rule: no one is shown who did not opt in)."""
    now = timezone.now()
    return Certificate.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        status=Certificate.Status.VALID,
        holder__lecturer_profile__listed=True,
        holder__is_active=True,
    )


def provider_cases() -> QuerySet:
    """Live, public, original case studies (the records, not their English versions)."""
    return originals(CaseStudyPage.objects.live().public())


def public_profiles() -> QuerySet:
    return ShowcaseProfile.objects.filter(published_at__isnull=False)


def ranked(profiles: QuerySet) -> QuerySet:
    """Annotate the ranking's figures and order by them: certified lecturers, then case
    studies, then the latest activity (approval, a case published, a certificate issued)."""
    certificates = valid_certificates().filter(
        holder__academy_membership__provider=OuterRef("provider_id")
    )
    lecturers = (
        certificates.order_by()
        .values("holder__academy_membership__provider")
        .annotate(n=Count("holder", distinct=True))
        .values("n")
    )
    cases = provider_cases().filter(provider=OuterRef("provider_id")).order_by()
    case_count = cases.values("provider").annotate(n=Count("pk")).values("n")
    latest_case = cases.values("provider").annotate(at=Max("first_published_at")).values("at")
    latest_certificate = (
        certificates.order_by()
        .values("holder__academy_membership__provider")
        .annotate(at=Max("issued_at"))
        .values("at")
    )
    epoch = Value(EPOCH, output_field=DateTimeField())
    return profiles.annotate(
        lecturer_count=Coalesce(Subquery(lecturers, output_field=IntegerField()), 0),
        case_count=Coalesce(Subquery(case_count, output_field=IntegerField()), 0),
        last_activity=Greatest(
            Coalesce("published_at", epoch),
            Coalesce(Subquery(latest_case, output_field=DateTimeField()), epoch),
            Coalesce(Subquery(latest_certificate, output_field=DateTimeField()), epoch),
        ),
    ).order_by("-lecturer_count", "-case_count", "-last_activity", "provider__name")


def _tagged(kind: str, value: str):
    return Exists(DirectoryTag.objects.filter(profile=OuterRef("pk"), kind=kind, value=value))


def search_terms(query: str) -> list[str]:
    return [t for t in fold(query).split() if t][:MAX_TERMS]


def filter_profiles(profiles: QuerySet, filters: dict) -> QuerySet:
    """Apply the directory's filters (validated by DirectoryFilterForm) and search."""
    if filters.get("industry"):
        profiles = profiles.filter(_tagged(DirectoryTag.Kind.INDUSTRY, filters["industry"]))
    if filters.get("city"):
        profiles = profiles.filter(_tagged(DirectoryTag.Kind.CITY, fold(filters["city"])))
    if filters.get("product"):
        profiles = profiles.filter(_tagged(DirectoryTag.Kind.PRODUCT, filters["product"]))
    if filters.get("service"):
        profiles = profiles.filter(_tagged(DirectoryTag.Kind.SERVICE, filters["service"]))
    if filters.get("partners"):
        profiles = profiles.filter(open_to_partnerships=True)
    if filters.get("certified"):
        profiles = profiles.filter(
            Exists(
                valid_certificates().filter(
                    holder__academy_membership__provider=OuterRef("provider_id")
                )
            )
        )
    for term in search_terms(filters.get("q", "")):
        profiles = profiles.filter(search_text__contains=term)
    return profiles


@dataclass
class Vocabulary:
    """Names of what the approved copies refer to by id or slug, read once per request."""

    industries: dict[int, Industry] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Vocabulary:
        return cls(
            industries={i.pk: i for i in Industry.objects.all()},
            products={p.slug: p for p in Product.objects.all()},
        )


@dataclass
class ServiceView:
    title: str
    kind: str
    kind_label: str
    description: str
    industries: list[Industry]
    products: list[Product]
    price_from: int | None
    price_to: int | None
    delivery_weeks: int | None


@dataclass
class ProfileView:
    """An approved copy, resolved for templates and the API."""

    profile: ShowcaseProfile
    tagline: str
    about: str
    cities: list[str]
    industries: list[Industry]
    active_since: int | None
    services: list[ServiceView]

    @property
    def years_active(self) -> int | None:
        if not self.active_since:
            return None
        return max(0, timezone.localdate().year - self.active_since)

    @property
    def products(self) -> list[Product]:
        seen: OrderedDict[str, Product] = OrderedDict()
        for service in self.services:
            for product in service.products:
                seen.setdefault(product.slug, product)
        return list(seen.values())

    @property
    def service_kinds(self) -> list[str]:
        return list(OrderedDict.fromkeys(s.kind_label for s in self.services))


def profile_view(profile: ShowcaseProfile, vocabulary: Vocabulary) -> ProfileView:
    data = profile.published_data or {}
    kinds = dict(ServiceKind.choices)
    return ProfileView(
        profile=profile,
        tagline=data.get("tagline", ""),
        about=data.get("about", ""),
        cities=data.get("cities", []),
        industries=[
            vocabulary.industries[i]
            for i in data.get("industries", [])
            if i in vocabulary.industries
        ],
        active_since=data.get("active_since"),
        services=[
            ServiceView(
                title=s.get("title", ""),
                kind=s.get("kind", ""),
                kind_label=str(kinds.get(s.get("kind"), "")),
                description=s.get("description", ""),
                industries=[
                    vocabulary.industries[i]
                    for i in s.get("industries", [])
                    if i in vocabulary.industries
                ],
                products=[
                    vocabulary.products[p]
                    for p in s.get("products", [])
                    if p in vocabulary.products
                ],
                price_from=s.get("price_from"),
                price_to=s.get("price_to"),
                delivery_weeks=s.get("delivery_weeks"),
            )
            for s in data.get("services", [])
        ],
    )


def directory_choices() -> dict:
    """What the filter form offers: industries as a tree, cities and products in use."""
    industries, _family = industry_tree()
    cities = list(
        DirectoryTag.objects.filter(
            kind=DirectoryTag.Kind.CITY, profile__published_at__isnull=False
        )
        .order_by("value")
        .values_list("value", flat=True)
        .distinct()
    )
    return {"industries": industries, "cities": cities}


@dataclass
class Lecturer:
    user: object
    lecturer_profile: object
    certificates: list = field(default_factory=list)
    # The printed name (never the e-mail address the user's str() may fall back to).
    public_name: str = ""
    # Their public credentials page (/credentials/<slug>/) when it is open, else None: the
    # profile then links each certificate's verify page only.
    page_slug: str | None = None


def certified_lecturers(provider_id: int) -> list[Lecturer]:
    """The company's listed lecturers with their valid certificates and public page (two
    queries)."""
    certificates = (
        valid_certificates()
        .filter(holder__academy_membership__provider_id=provider_id)
        .select_related("holder", "holder__lecturer_profile", "programme")
        .order_by("holder__display_name", "holder_id", "-issued_at")
    )
    lecturers: OrderedDict[int, Lecturer] = OrderedDict()
    for certificate in certificates:
        holder = certificate.holder
        entry = lecturers.setdefault(holder.pk, Lecturer(holder, holder.lecturer_profile))
        entry.certificates.append(certificate)
    slugs = sharing.public_page_slugs(lecturers)
    for holder_id, entry in lecturers.items():
        entry.public_name = sharing.public_name(entry.user, entry.certificates)
        entry.page_slug = slugs.get(holder_id)
    return list(lecturers.values())


def delivered_cases(provider_id: int, limit: int = 12) -> list[CaseStudyPage]:
    cases = list(
        with_cover(provider_cases().filter(provider_id=provider_id), CARD_IMAGE)
        .select_related("industry")
        .prefetch_related("products")
        .defer("challenge", "solution", "results")
        .order_by("-first_published_at")[:limit]
    )
    show_in_reader_language(cases)
    for case in cases:
        case.industry_display = case.industry
    return cases


def profile_by_slug(slug: str) -> ShowcaseProfile | None:
    return ranked(public_profiles().filter(slug=slug)).select_related("provider").first()
