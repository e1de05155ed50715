"""Read-only JSON of the provider directory and profiles at /api/showcase/, for the platform's
own mini-program. The same visibility as the pages: only approved copies, never a draft, an
enquiry or anything from the team side. Language-neutral: industry and product names are given
as written, with their slugs."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from courses.models import Product

from . import selectors
from .forms import DirectoryFilterForm

MAX_LIMIT = 50


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _industry(industry) -> dict:
    return {"slug": industry.slug, "name": industry.name}


def serialise(profile, view: selectors.ProfileView, *, detail: bool = False) -> dict:
    data = {
        "slug": profile.slug,
        "name": profile.provider.name,
        "url": _absolute(reverse("showcase:profile", args=[profile.slug])),
        "detail_url": _absolute(reverse("showcase_api:profile", args=[profile.slug])),
        "tagline": view.tagline,
        "cities": view.cities,
        "industries": [_industry(i) for i in view.industries],
        "products": [p.slug for p in view.products],
        "service_types": sorted({s.kind for s in view.services}),
        "active_since": view.active_since,
        "open_to_partnerships": profile.open_to_partnerships,
        "certified_lecturers": profile.lecturer_count,
        "case_studies": profile.case_count,
        "approved_at": profile.published_at.isoformat() if profile.published_at else None,
    }
    if profile.show_growth_stage:
        data["growth_stage"] = profile.provider.growth_stage
    if detail:
        data["about"] = view.about
        data["services"] = [
            {
                "title": s.title,
                "type": s.kind,
                "industries": [_industry(i) for i in s.industries],
                "products": [p.slug for p in s.products],
                "description": s.description,
                "price_from": s.price_from,
                "price_to": s.price_to,
                "delivery_weeks": s.delivery_weeks,
            }
            for s in view.services
        ]
    return data


def _int(value, default, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


@require_GET
def directory(request):
    products = list(Product.objects.all())
    form = DirectoryFilterForm(request.GET or None, products=products)
    filters = form.filters()
    profiles = selectors.filter_profiles(
        selectors.ranked(selectors.public_profiles()).select_related("provider"), filters
    )
    limit = _int(request.GET.get("limit"), 20, 1, MAX_LIMIT)
    page_obj = Paginator(profiles, limit).get_page(request.GET.get("page"))
    vocabulary = selectors.Vocabulary(
        industries={i.pk: i for i, _depth in form.industry_tree},
        products={p.slug: p for p in products},
    )
    return _json(
        {
            "meta": {
                "total_count": page_obj.paginator.count,
                "page": page_obj.number,
                "pages": page_obj.paginator.num_pages,
                "filters": dict(filters),
            },
            "items": [
                serialise(p, selectors.profile_view(p, vocabulary)) for p in page_obj.object_list
            ],
        }
    )


@require_GET
def profile(request, slug: str):
    profile = selectors.profile_by_slug(slug)
    if profile is None:
        return _json({"message": "No approved provider profile has this address."}, status=404)
    view = selectors.profile_view(profile, selectors.Vocabulary.load())
    data = serialise(profile, view, detail=True)
    data["lecturers"] = [
        {
            # The printed name, never the e-mail address a user's str() falls back to.
            "name": lecturer.public_name,
            "credentials_url": _absolute(reverse("holder_credentials", args=[lecturer.page_slug]))
            if lecturer.page_slug
            else None,
            "certificates": [
                {
                    "serial": c.serial,
                    "programme": c.programme.title,
                    "verify_url": _absolute(reverse("verify_certificate", args=[c.serial])),
                }
                for c in lecturer.certificates
            ],
        }
        for lecturer in selectors.certified_lecturers(profile.provider_id)
    ]
    return _json(data)
