"""Demo business expansion for `seed_demo`, from demo/showcase/*.yaml: ten approved provider
profiles across the five top industries, with services, certified lecturers and the demo cases
they delivered; a few merchant enquiries to 杭州云栈 (owner@example.com reads them on the team
side); and 杭州云栈's need for an e-invoicing partner in 杭州, which 广州粤账通
(partner@example.com) matches.

Idempotent: providers by name, profiles by provider, people by e-mail, enquiries by their
merchant's e-mail, needs by their title; a profile is approved only when first created.
"""

from __future__ import annotations

from django.db import transaction

from academy import demo as academy_demo
from academy.demo_data import load
from academy.models import Industry, LecturerProfile, Membership, Provider, User
from certification.models import Certificate, Programme
from certification.services import issuing
from courses.models import CaseStudyPage, Product

from . import services
from .models import Enquiry, PartnerNeed, ProviderService, ShowcaseProfile


class _Quiet:
    def write(self, *args, **kwargs):
        pass


def _providers(profiles: list[dict]) -> dict[str, Provider]:
    """The showcase's new companies made; every company with a demo profile, by name."""
    academy_demo.seed_providers(load("showcase/providers.yaml")["providers"])
    names = [spec["company"] for spec in profiles]
    return {p.name: p for p in Provider.objects.filter(name__in=names)}


def _people(providers: dict[str, Provider], out) -> None:
    data = load("showcase/people.yaml")
    programme = Programme.objects.filter(slug=data["certified_in"]).first()
    officer = User.objects.filter(email=data["certified_by"]).first()
    for spec in data["people"]:
        email, company = spec["email"], spec["company"]
        if "name" not in spec and not User.objects.filter(email=email).exists():
            continue  # someone another demo makes; not there, nothing to do
        user = academy_demo.demo_user(
            email, spec.get("name"), username=email.split("@")[0].replace(".", "_")
        )
        if company in providers and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(
                user=user, provider=providers[company], role=spec["membership_role"]
            )
        if not spec.get("certified") or programme is None:
            continue
        LecturerProfile.objects.get_or_create(
            user=user,
            defaults={"city": providers[company].city, "specialties": data["lecturer_specialties"]},
        )
        if not Certificate.objects.filter(holder=user, programme=programme).exists():
            result = issuing.award_certificate(
                user, programme, by=officer, reason=data["reason"], notify=False
            )
            out.write(f"Certified {email}: {result.certificate.serial}")


def _cases(providers: dict[str, Provider]) -> None:
    """Demo cases nobody delivered yet get the company that did."""
    for row in load("showcase/providers.yaml")["case_providers"]:
        case = CaseStudyPage.objects.filter(slug=row["case"], provider__isnull=True).first()
        if case is None or row["provider"] not in providers:
            continue
        case.provider = providers[row["provider"]]
        revision = case.save_revision()
        if case.live:
            revision.publish()


def _profile(provider: Provider, spec: dict, approver) -> ShowcaseProfile | None:
    if ShowcaseProfile.objects.filter(provider=provider).exists():
        return None
    industries = {i.slug: i for i in Industry.objects.all()}
    products = {p.slug: p for p in Product.objects.all()}
    profile = ShowcaseProfile.objects.create(
        provider=provider,
        slug=spec["slug"],
        tagline=spec["tagline"],
        about=spec["about"],
        cities=spec["cities"],
        active_since=spec["active_since"],
        show_growth_stage=spec["show_growth_stage"],
        open_to_partnerships=spec["open_to_partnerships"],
        status=ShowcaseProfile.Status.PENDING,
    )
    profile.industries.set([industries[s] for s in spec["industries"] if s in industries])
    for order, item in enumerate(spec["services"]):
        row = ProviderService.objects.create(
            profile=profile,
            sort_order=order,
            **{k: v for k, v in item.items() if k not in ("industries", "products")},
        )
        row.industries.set([industries[s] for s in item["industries"] if s in industries])
        row.products.set([products[s] for s in item["products"] if s in products])
    return services.approve_profile(profile.pk, approver)


def _enquiries(data: dict) -> None:
    industries = {i.slug: i for i in Industry.objects.all()}
    for spec in data["enquiries"]:
        profile = ShowcaseProfile.objects.filter(provider__name=spec["provider"]).first()
        if (
            profile is None
            or Enquiry.objects.filter(provider=profile.provider, email=spec["email"]).exists()
        ):
            continue
        form = {
            "name": spec["name"],
            "company": spec["company"],
            "phone": "",
            "email": spec["email"],
            "industry": industries.get(spec["industry"]),
            "city": spec["city"],
            "need": spec["need"],
            "budget": spec["budget"],
            "consent": True,
        }
        enquiry = services.send_enquiry(profile, form, "zh-hans")
        if spec["status"] != Enquiry.Status.NEW:
            admin = Membership.objects.filter(
                provider=profile.provider, role=Membership.Role.ADMIN
            ).first()
            if admin is not None:
                services.update_enquiry(admin, enquiry.pk, spec["status"], data["follow_up_note"])


def _needs(providers: dict[str, Provider], needs: list[dict]) -> None:
    for spec in needs:
        provider = providers.get(spec["provider"])
        if provider is None or PartnerNeed.objects.filter(title=spec["title"]).exists():
            continue
        admin = Membership.objects.filter(provider=provider, role=Membership.Role.ADMIN).first()
        if admin is None:
            continue
        services.post_need(
            admin,
            {
                **{k: spec[k] for k in ("title", "description", "city", "kind", "keywords")},
                "products": list(Product.objects.filter(slug__in=spec["products"])),
            },
        )


def seed(home_page=None, stdout=None) -> None:
    out = stdout or _Quiet()
    data = load("showcase/profiles.yaml")
    enquiries = load("showcase/enquiries.yaml")
    approver = User.objects.filter(email=data["approved_by"]).first()
    with transaction.atomic():
        providers = _providers(data["profiles"])
        _people(providers, out)
        _cases(providers)
        created = 0
        for spec in data["profiles"]:
            name = spec["company"]
            if name in providers and _profile(providers[name], spec, approver):
                created += 1
        _enquiries(enquiries)
        _needs(providers, enquiries["needs"])
    if created:
        out.write(f"Created {created} approved provider profiles (/providers/).")
