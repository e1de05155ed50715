"""Every state change of the showcase: profiles and their review, enquiries, partnerships.

Profiles: the provider's admins edit a draft (the profile row and its services); a change that
would show something new publicly sends the profile back to review, while the copy staff last
approved (`published_data`) stays public. Toggles that reveal nothing new (open to partnerships,
show the growth stage) and removing a service apply at once. Staff approve or request changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import outbox
from academy.errors import ActionRefused
from academy.models import Industry, Membership, Provider
from academy.script import fold
from courses.models import Product

from . import indexing
from .matching import Match, NeedTags, score_match
from .models import (
    DirectoryTag,
    Enquiry,
    PartnerNeed,
    PartnerResponse,
    ProviderService,
    ShowcaseProfile,
    split_list,
)

Status = ShowcaseProfile.Status


class ShowcaseRefused(ActionRefused):
    pass


# --- Who may act ----------------------------------------------------------------------------------


def admin_membership(user) -> Membership | None:
    """The user's membership when they administer a company, else None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("provider")
        .filter(user_id=user.pk, role=Membership.Role.ADMIN)
        .first()
    )


def _own_profile(admin: Membership, *, lock: bool = False) -> ShowcaseProfile:
    profiles = ShowcaseProfile.objects.filter(provider_id=admin.provider_id)
    if lock:
        profiles = profiles.select_for_update()
    profile = profiles.first()
    if profile is None:
        raise ShowcaseRefused(_("Your company has no public profile yet."), 404)
    return profile


# --- The public copy ------------------------------------------------------------------------------


def snapshot(profile: ShowcaseProfile) -> dict:
    """The profile's current words and tags as the public pages would show them (JSON)."""
    services = list(
        profile.services.prefetch_related("industries", "products").order_by("sort_order", "pk")
    )
    return {
        "tagline": profile.tagline,
        "about": profile.about,
        "cities": profile.city_list,
        "industries": sorted(i.pk for i in profile.industries.all()),
        "active_since": profile.active_since,
        "services": [
            {
                "id": s.pk,
                "title": s.title,
                "kind": s.kind,
                "industries": sorted(i.pk for i in s.industries.all()),
                "products": sorted(p.slug for p in s.products.all()),
                "description": s.description,
                "price_from": s.price_from,
                "price_to": s.price_to,
                "delivery_weeks": s.delivery_weeks,
            }
            for s in services
        ],
    }


def has_unapproved_changes(profile: ShowcaseProfile) -> bool:
    return snapshot(profile) != profile.published_data


def _industry_ancestry() -> dict[int, list[Industry]]:
    """Each industry with its ancestors (itself first): a sub-industry is found under its root."""
    industries = {i.pk: i for i in Industry.objects.all()}
    chains: dict[int, list[Industry]] = {}
    for pk, industry in industries.items():
        chain, seen, current = [], set(), industry
        while current is not None and current.pk not in seen:  # a loop in hand-edited data
            seen.add(current.pk)
            chain.append(current)
            current = industries.get(current.parent_id)
        chains[pk] = chain
    return chains


def _public_facts(data: dict) -> tuple[set[tuple[str, str]], list[str]]:
    """The directory's tags and the words (as written) of a public copy `data`: industries
    with their parents (a 茶饮 provider is found under 餐饮), cities, service kinds, products."""
    chains = _industry_ancestry()
    products = {p.slug: p for p in Product.objects.all()}
    industry_ids = set(data.get("industries", []))
    for service in data.get("services", []):
        industry_ids.update(service.get("industries", []))
    tags: set[tuple[str, str]] = set()
    words = [data.get("tagline", ""), data.get("about", "")]
    for pk in sorted(industry_ids):
        for industry in chains.get(pk, []):
            if (DirectoryTag.Kind.INDUSTRY, industry.slug) not in tags:
                tags.add((DirectoryTag.Kind.INDUSTRY, industry.slug))
                words.append(industry.name)
    for city in data.get("cities", []):
        tags.add((DirectoryTag.Kind.CITY, fold(city)))
        words.append(city)
    for service in data.get("services", []):
        tags.add((DirectoryTag.Kind.SERVICE, service["kind"]))
        words += [service.get("title", ""), service.get("description", "")]
        for slug in service.get("products", []):
            tags.add((DirectoryTag.Kind.PRODUCT, slug))
            if slug in products:
                words += [products[slug].name, products[slug].name_en]
    return tags, [w for w in words if w]


def public_text(profile: ShowcaseProfile) -> str:
    """The words of the approved copy only (never the draft under review), as written: what the
    site search indexes for a public profile (showcase/indexing.py)."""
    if not profile.published_data:
        return ""
    return " ".join(_public_facts(profile.published_data)[1])


def _publish(profile: ShowcaseProfile, data: dict) -> None:
    """Make `data` the public copy: the JSON, the directory's tags and the folded search text."""
    tags, words = _public_facts(data)
    profile.published_data = data
    profile.search_text = fold(" ".join([profile.provider.name, *words]))
    profile.save(update_fields=["published_data", "search_text", "updated_at"])
    profile.tags.all().delete()
    DirectoryTag.objects.bulk_create(
        DirectoryTag(profile=profile, kind=kind, value=value[:100]) for kind, value in tags
    )


def _after_edit(profile: ShowcaseProfile) -> ShowcaseProfile:
    """Back to review when the draft now differs from the public copy; approved again when an
    edit was undone (before review, or after staff asked for changes)."""
    if has_unapproved_changes(profile):
        if profile.status != Status.PENDING:
            profile.status = Status.PENDING
            profile.submitted_at = timezone.now()
            profile.save(update_fields=["status", "submitted_at", "updated_at"])
    elif profile.status in (Status.PENDING, Status.REJECTED) and profile.is_public:
        profile.status = Status.APPROVED
        profile.save(update_fields=["status", "updated_at"])
    return profile


# --- Editing (the provider's admins) --------------------------------------------------------------

PROFILE_FIELDS = (
    "slug",
    "tagline",
    "about",
    "cities",
    "active_since",
    "show_growth_stage",
    "open_to_partnerships",
)


def save_profile(admin: Membership, data: dict) -> ShowcaseProfile:
    """Create or update the admin's company profile from a validated form's data."""
    with transaction.atomic():
        # The provider row guards "one profile per company" while two admins save at once.
        Provider.objects.select_for_update().filter(pk=admin.provider_id).first()
        profile = ShowcaseProfile.objects.filter(provider_id=admin.provider_id).first()
        if profile is None:
            profile = ShowcaseProfile(provider_id=admin.provider_id)
        taken = ShowcaseProfile.objects.filter(slug=data["slug"]).exclude(pk=profile.pk)
        if taken.exists():
            raise ShowcaseRefused(_("This address is taken; choose another."), 400)
        for name in PROFILE_FIELDS:
            setattr(profile, name, data[name])
        profile.save()
        profile.industries.set(data["industries"])
        return _after_edit(profile)


def save_service(admin: Membership, service_id: int | None, data: dict) -> ProviderService:
    with transaction.atomic():
        profile = _own_profile(admin, lock=True)
        if service_id is None:
            service = ProviderService(profile=profile, sort_order=profile.services.count())
        else:
            service = profile.services.filter(pk=service_id).first()
            if service is None:
                raise ShowcaseRefused(_("No such service."), 404)
        for name in ("title", "kind", "description", "price_from", "price_to", "delivery_weeks"):
            setattr(service, name, data[name])
        service.save()
        service.industries.set(data["industries"])
        service.products.set(data["products"])
        _after_edit(profile)
        return service


def delete_service(admin: Membership, service_id: int) -> None:
    """Remove a service, from the public copy too: taking something down needs no review."""
    with transaction.atomic():
        profile = _own_profile(admin, lock=True)
        deleted, _n = profile.services.filter(pk=service_id).delete()
        if not deleted:
            raise ShowcaseRefused(_("No such service."), 404)
        data = profile.published_data
        if data and any(s["id"] == service_id for s in data.get("services", [])):
            data = {**data, "services": [s for s in data["services"] if s["id"] != service_id]}
            _publish(profile, data)
            indexing.index_profile(profile)
        _after_edit(profile)


# --- Review (staff) -------------------------------------------------------------------------------


def approve_profile(profile_id: int, by) -> ShowcaseProfile:
    """Publish the profile as it is now."""
    with transaction.atomic():
        profile = (
            ShowcaseProfile.objects.select_for_update()
            .select_related("provider")
            .filter(pk=profile_id)
            .first()
        )
        if profile is None:
            raise ShowcaseRefused(_("No such profile."), 404)
        now = timezone.now()
        _publish(profile, snapshot(profile))
        profile.status = Status.APPROVED
        profile.published_at = now
        profile.reviewed_at = now
        profile.reviewed_by = by
        profile.review_note = ""
        profile.save(
            update_fields=[
                "status",
                "published_at",
                "reviewed_at",
                "reviewed_by",
                "review_note",
                "updated_at",
            ]
        )
        indexing.index_profile(profile)
        return profile


def reject_profile(profile_id: int, by, note: str) -> ShowcaseProfile:
    """Ask for changes; the approved copy, if any, stays public."""
    if not note.strip():
        raise ShowcaseRefused(_("Say what should change."), 400)
    with transaction.atomic():
        profile = ShowcaseProfile.objects.select_for_update().filter(pk=profile_id).first()
        if profile is None:
            raise ShowcaseRefused(_("No such profile."), 404)
        profile.status = Status.REJECTED
        profile.review_note = note.strip()
        profile.reviewed_at = timezone.now()
        profile.reviewed_by = by
        profile.save(
            update_fields=["status", "review_note", "reviewed_at", "reviewed_by", "updated_at"]
        )
        return profile


def withdraw_profile(profile_id: int, by) -> ShowcaseProfile:
    """Take a profile off the site (staff): the public copy and its tags go."""
    with transaction.atomic():
        profile = ShowcaseProfile.objects.select_for_update().filter(pk=profile_id).first()
        if profile is None:
            raise ShowcaseRefused(_("No such profile."), 404)
        profile.published_data = {}
        profile.published_at = None
        profile.search_text = ""
        profile.status = Status.DRAFT
        profile.reviewed_at = timezone.now()
        profile.reviewed_by = by
        profile.save()
        profile.tags.all().delete()
        indexing.index_profile(profile)
        return profile


# --- Enquiries ------------------------------------------------------------------------------------

ENQUIRY_FIELDS = ("name", "company", "phone", "email", "industry", "city", "need", "budget")


def send_enquiry(profile: ShowcaseProfile, data: dict, language: str) -> Enquiry:
    """Store a merchant's enquiry to a public profile; its admins and the merchant are e-mailed."""
    if not profile.is_public:
        raise ShowcaseRefused(_("This provider's profile is not public."), 404)
    if not data.get("consent"):
        raise ShowcaseRefused(_("Please agree to the privacy notice to send your enquiry."), 400)
    if not (data.get("phone") or data.get("email")):
        raise ShowcaseRefused(_("Give a phone number or an e-mail address."), 400)
    from . import tasks  # tasks.py calls this module

    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            provider_id=profile.provider_id,
            language=language,
            consented_at=timezone.now(),
            **{
                name: data.get(name) or ("" if name != "industry" else None)
                for name in ENQUIRY_FIELDS
            },
        )
        outbox.enqueue(tasks.email_enquiry_to_admins, enquiry.pk)
        if enquiry.email:
            outbox.enqueue(tasks.email_enquiry_copy, enquiry.pk)
    return enquiry


def update_enquiry(admin: Membership, enquiry_id: int, status: str, notes: str) -> Enquiry:
    """Move an enquiry along new → contacted → won/lost and keep the admin's notes."""
    if status not in Enquiry.Status.values:
        raise ShowcaseRefused(_("Choose a status."), 400)
    with transaction.atomic():
        enquiry = (
            Enquiry.objects.select_for_update()
            .filter(pk=enquiry_id, provider_id=admin.provider_id)
            .first()
        )
        if enquiry is None:
            raise ShowcaseRefused(_("No such enquiry."), 404)
        if enquiry.anonymised_at and notes != enquiry.notes:
            raise ShowcaseRefused(_("This enquiry was anonymised; its notes are closed."), 409)
        if status != enquiry.status:
            enquiry.status = status
            enquiry.status_changed_at = timezone.now()
        enquiry.notes = notes
        enquiry.save(update_fields=["status", "status_changed_at", "notes"])
        return enquiry


def retention_days() -> int:
    """How long an enquiry keeps its personal data: ACADEMY_RETENTION, the one retention table."""
    return settings.ACADEMY_RETENTION["showcase_enquiries"]


def retention_months() -> int:
    """The same period as merchants are told it (the form and the copy of their enquiry)."""
    return max(1, round(retention_days() / 30.4))


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=retention_days())


def old_enquiries(cutoff: datetime):
    return Enquiry.objects.filter(created_at__lt=cutoff, anonymised_at__isnull=True)


def anonymise_old_enquiries(now: datetime | None = None, *, cutoff: datetime | None = None) -> int:
    """Blank the personal data of enquiries older than the retention period; the figures
    (provider, industry, city, budget, status, dates) stay for the report. Returns how many.
    Run daily by academy's retention job (showcase/retention.py)."""
    cutoff = cutoff or retention_cutoff(now)
    return old_enquiries(cutoff).update(
        name="",
        company="",
        phone="",
        email="",
        need="",
        notes="",
        anonymised_at=now or timezone.now(),
    )


# --- Partnerships ---------------------------------------------------------------------------------


def post_need(admin: Membership, data: dict) -> PartnerNeed:
    with transaction.atomic():
        need = PartnerNeed.objects.create(
            provider_id=admin.provider_id,
            created_by=admin.user,
            title=data["title"],
            description=data.get("description", ""),
            city=data.get("city", ""),
            kind=data.get("kind", ""),
            keywords=data.get("keywords", ""),
        )
        need.products.set(data.get("products", []))
        return need


def close_need(admin: Membership, need_id: int) -> PartnerNeed:
    with transaction.atomic():
        need = (
            PartnerNeed.objects.select_for_update()
            .filter(pk=need_id, provider_id=admin.provider_id)
            .first()
        )
        if need is None:
            raise ShowcaseRefused(_("No such partnership need."), 404)
        need.status = PartnerNeed.Status.CLOSED
        need.save(update_fields=["status"])
        return need


def need_tags(need: PartnerNeed) -> NeedTags:
    return NeedTags(
        kind=need.kind,
        products=frozenset(p.slug for p in need.products.all()),
        city=need.city,
        keywords=tuple(split_list(need.keywords)),
    )


def suggest_partners(need: PartnerNeed, limit: int = 10) -> list[tuple[ShowcaseProfile, Match]]:
    """Public profiles open to partnerships whose approved services match the need, best
    first (then by name); never the asking company itself."""
    tags = need_tags(need)
    candidates = (
        ShowcaseProfile.objects.filter(published_at__isnull=False, open_to_partnerships=True)
        .exclude(provider_id=need.provider_id)
        .select_related("provider")
    )
    scored = [(p, score_match(tags, p.published_data)) for p in candidates]
    scored = [(p, m) for p, m in scored if m.score > 0]
    scored.sort(key=lambda pm: (-pm[1].score, pm[0].provider.name))
    return scored[:limit]


def respond_to_need(admin: Membership, need_id: int, message: str) -> PartnerResponse:
    """Answer another company's open need; both companies' admins are introduced by e-mail."""
    message = (message or "").strip()
    if not message:
        raise ShowcaseRefused(_("Write a short message to introduce your company."), 400)
    from . import tasks  # tasks.py calls this module

    with transaction.atomic():
        need = PartnerNeed.objects.select_for_update().filter(pk=need_id).first()
        if need is None:
            raise ShowcaseRefused(_("No such partnership need."), 404)
        if need.provider_id == admin.provider_id:
            raise ShowcaseRefused(_("This is your own company's need."), 400)
        if need.status != PartnerNeed.Status.OPEN:
            raise ShowcaseRefused(_("This partnership need is closed."), 409)
        if need.responses.filter(provider_id=admin.provider_id).exists():
            raise ShowcaseRefused(_("Your company has already answered this need."), 409)
        response = PartnerResponse.objects.create(
            need=need, provider_id=admin.provider_id, message=message, created_by=admin.user
        )
        outbox.enqueue(tasks.email_introduction, response.pk)
        return response
