"""Public pages (the directory, a profile, the enquiry form) and the team side (the company's
profile and services, its enquiries, partnerships). Views parse, call a selector or a service,
and answer; a refusal (ShowcaseRefused) becomes its 4xx. Another company's enquiry, service or
need is a 404; a member who is not an admin gets the team side's 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy import fragments
from academy.ratelimits import rate_limited
from courses.models import Product

from . import selectors, services
from .forms import (
    DirectoryFilterForm,
    EnquiryForm,
    EnquiryUpdateForm,
    PartnerNeedForm,
    PartnerResponseForm,
    ProfileForm,
    ServiceForm,
)
from .models import Enquiry, PartnerNeed, ShowcaseProfile
from .services import ShowcaseRefused

# --- Public -----------------------------------------------------------------------------------------


@require_GET
def directory(request):
    # The directory is the same for every reader: the template keeps it as a shared fragment, and
    # its queries run only when that fragment is not cached (academy/fragments.py).
    context = fragments.lazy_context(
        lambda: _directory_context(request), ("filter_form", "filters", "page_obj", "cards")
    )
    return TemplateResponse(request, "showcase/directory.html", context)


def _directory_context(request) -> dict:
    products = list(Product.objects.all())
    form = DirectoryFilterForm(request.GET or None, products=products)
    filters = form.filters()
    profiles = selectors.filter_profiles(
        selectors.ranked(selectors.public_profiles()).select_related("provider"), filters
    )
    page_obj = Paginator(profiles, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    vocabulary = selectors.Vocabulary(
        industries={i.pk: i for i, _depth in form.industry_tree},
        products={p.slug: p for p in products},
    )
    cards = [selectors.profile_view(p, vocabulary) for p in page_obj.object_list]
    return {"filter_form": form, "filters": filters, "page_obj": page_obj, "cards": cards}


def _public_profile(slug: str) -> ShowcaseProfile:
    profile = selectors.profile_by_slug(slug)
    if profile is None:
        raise Http404
    return profile


@require_GET
def profile(request, slug: str):
    # The profile is the same for every reader: the template keeps it as a shared fragment, and
    # its queries run only when that fragment is not cached (academy/fragments.py). The name (for
    # the title) is kept beside it, so a hit needs no query at all; a 404 is never kept.
    name_key = fragments.fragment_key("provider-profile-name", request, path="path")
    name = fragments.get(name_key)
    if name is None:
        name = _public_profile(slug).provider.name
        fragments.store(name_key, name)
    context = fragments.lazy_context(
        lambda: _profile_context(slug), ("profile", "view", "lecturers", "cases")
    )
    return TemplateResponse(request, "showcase/profile.html", {**context, "provider_name": name})


def _profile_context(slug: str) -> dict:
    profile = _public_profile(slug)
    return {
        "profile": profile,
        "view": selectors.profile_view(profile, selectors.Vocabulary.load()),
        "lecturers": selectors.certified_lecturers(profile.provider_id),
        "cases": selectors.delivered_cases(profile.provider_id),
    }


def _enquiry_page(request, profile, form, status=200):
    return TemplateResponse(
        request, "showcase/enquiry.html", {"profile": profile, "form": form}, status=status
    )


@require_GET
def enquiry_form(request, slug: str):
    profile = _public_profile(slug)
    return _enquiry_page(request, profile, EnquiryForm(privacy_url=reverse("showcase:privacy")))


@require_POST
@rate_limited("showcase_enquiry")
def enquiry_send(request, slug: str):
    profile = _public_profile(slug)
    form = EnquiryForm(request.POST, privacy_url=reverse("showcase:privacy"))
    if form.is_robot:
        # A honeypot hit is answered as a success, so the robot learns nothing; nothing is kept.
        return redirect("showcase:enquiry_sent", slug=profile.slug)
    if not form.is_valid():
        return _enquiry_page(request, profile, form, status=400)
    try:
        services.send_enquiry(
            profile, {**form.cleaned_data, "consent": form.cleaned_data["consent"]}, get_language()
        )
    except ShowcaseRefused as error:
        form.add_error(None, error.message)
        return _enquiry_page(request, profile, form, status=error.status)
    return redirect("showcase:enquiry_sent", slug=profile.slug)


@require_GET
def enquiry_sent(request, slug: str):
    profile = _public_profile(slug)
    return TemplateResponse(request, "showcase/enquiry_sent.html", {"profile": profile})


@require_GET
def privacy(request):
    return TemplateResponse(
        request,
        "showcase/privacy.html",
        {"retention_months": services.retention_months()},
    )


# --- Team side ----------------------------------------------------------------------------------


def _team_admin(request):
    admin = services.admin_membership(request.user)
    if admin is None:
        return None, TemplateResponse(request, "showcase/team/forbidden.html", {}, status=403)
    return admin, None


def _own_profile(admin):
    return ShowcaseProfile.objects.filter(provider_id=admin.provider_id).first()


def _profile_page(request, admin, form=None, service_form=None, editing=None, status=200):
    profile = _own_profile(admin)
    if form is None:
        initial = {"slug": f"provider-{admin.provider_id}"} if profile is None else None
        form = ProfileForm(instance=profile, initial=initial)
    services_list = list(profile.services.all()) if profile else []
    return TemplateResponse(
        request,
        "showcase/team/profile.html",
        {
            "provider": admin.provider,
            "profile": profile,
            "form": form,
            "services": services_list,
            "service_form": service_form or ServiceForm(),
            "editing": editing,
            "has_changes": bool(profile and services.has_unapproved_changes(profile)),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_profile(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    if request.method == "GET":
        return _profile_page(request, admin)
    profile = _own_profile(admin)
    form = ProfileForm(request.POST, instance=profile)
    if not form.is_valid():
        return _profile_page(request, admin, form=form, status=400)
    try:
        profile = services.save_profile(admin, form.cleaned_data)
    except ShowcaseRefused as error:
        form.add_error(None, error.message)
        return _profile_page(request, admin, form=form, status=error.status)
    _say_review_state(request, profile)
    return redirect("showcase:team_profile")


def _say_review_state(request, profile):
    if profile.status == ShowcaseProfile.Status.PENDING:
        if profile.is_public:
            messages.success(
                request,
                _(
                    "Saved. Staff review your changes; until then the approved version stays public."
                ),
            )
        else:
            messages.success(request, _("Saved. Your profile goes public once staff approve it."))
    else:
        messages.success(request, _("Saved."))


@login_required
@require_http_methods(["GET", "POST"])
def team_service(request, pk: int | None = None):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    profile = _own_profile(admin)
    if profile is None:
        raise Http404
    instance = None
    if pk is not None:
        instance = profile.services.filter(pk=pk).first()
        if instance is None:
            raise Http404
    if request.method == "GET":
        return TemplateResponse(
            request,
            "showcase/team/service.html",
            {
                "provider": admin.provider,
                "form": ServiceForm(instance=instance),
                "service": instance,
            },
        )
    form = ServiceForm(request.POST, instance=instance)
    status = 400
    if form.is_valid():
        try:
            services.save_service(admin, pk, form.cleaned_data)
        except ShowcaseRefused as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            _say_review_state(request, _own_profile(admin))
            return redirect("showcase:team_profile")
    return TemplateResponse(
        request,
        "showcase/team/service.html",
        {"provider": admin.provider, "form": form, "service": instance},
        status=status,
    )


@login_required
@require_POST
def team_service_delete(request, pk: int):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    try:
        services.delete_service(admin, pk)
    except ShowcaseRefused as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, error.message)
        return redirect("showcase:team_profile")
    messages.success(request, _("The service was removed."))
    return redirect("showcase:team_profile")


@login_required
@require_GET
def team_enquiries(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    enquiries = Enquiry.objects.filter(provider_id=admin.provider_id).select_related("industry")
    status = request.GET.get("status")
    if status in Enquiry.Status.values:
        enquiries = enquiries.filter(status=status)
    page_obj = Paginator(enquiries, 20).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "showcase/team/enquiries.html",
        {
            "provider": admin.provider,
            "page_obj": page_obj,
            "statuses": Enquiry.Status.choices,
            "current_status": status if status in Enquiry.Status.values else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_enquiry(request, pk: int):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    enquiry = (
        Enquiry.objects.filter(pk=pk, provider_id=admin.provider_id)
        .select_related("industry", "industry__parent")
        .first()
    )
    if enquiry is None:
        raise Http404
    form = EnquiryUpdateForm(
        request.POST or None, initial={"status": enquiry.status, "notes": enquiry.notes}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_enquiry(
                    admin, pk, form.cleaned_data["status"], form.cleaned_data["notes"]
                )
            except ShowcaseRefused as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The enquiry was updated."))
                return redirect("showcase:team_enquiry", pk=pk)
    return TemplateResponse(
        request,
        "showcase/team/enquiry.html",
        {"provider": admin.provider, "enquiry": enquiry, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_needs(request):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    form = PartnerNeedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            need = services.post_need(admin, form.cleaned_data)
            messages.success(request, _("Your partnership need is posted."))
            return redirect("showcase:team_need", pk=need.pk)
    own = PartnerNeed.objects.filter(provider_id=admin.provider_id).prefetch_related("responses")
    others = (
        PartnerNeed.objects.filter(status=PartnerNeed.Status.OPEN)
        .exclude(provider_id=admin.provider_id)
        .select_related("provider")
        .prefetch_related("products")
    )
    return TemplateResponse(
        request,
        "showcase/team/needs.html",
        {"provider": admin.provider, "form": form, "own": list(own), "others": list(others)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_need(request, pk: int):
    admin, refusal = _team_admin(request)
    if refusal:
        return refusal
    need = (
        PartnerNeed.objects.select_related("provider")
        .prefetch_related("products", "responses__provider")
        .filter(pk=pk)
        .first()
    )
    # Open needs are for every provider to answer; a closed one only for its own company.
    if need is None or (
        need.provider_id != admin.provider_id and need.status != PartnerNeed.Status.OPEN
    ):
        raise Http404
    own = need.provider_id == admin.provider_id
    form = PartnerResponseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close" and own:
                services.close_need(admin, pk)
                messages.success(request, _("The partnership need is closed."))
                return redirect("showcase:team_need", pk=pk)
            if form.is_valid():
                services.respond_to_need(admin, pk, form.cleaned_data["message"])
                messages.success(
                    request, _("Sent. Both companies' administrators are introduced by e-mail.")
                )
                return redirect("showcase:team_need", pk=pk)
            status = 400
        except ShowcaseRefused as error:
            form.add_error(None, error.message)
            status = error.status
    return TemplateResponse(
        request,
        "showcase/team/need.html",
        {
            "provider": admin.provider,
            "need": need,
            "own": own,
            "form": form,
            "suggestions": _suggestions(need) if own else [],
            "answered": any(r.provider_id == admin.provider_id for r in need.responses.all()),
        },
        status=status,
    )


def _suggestions(need: PartnerNeed) -> list[dict]:
    """Suggested partners with why each matched, in words."""
    products = {p.slug: p for p in Product.objects.all()}
    rows = []
    for profile, match in services.suggest_partners(need):
        reasons = []
        for code in match.reasons:
            kind, _sep, value = code.partition(":")
            if kind == "kind":
                reasons.append(need.get_kind_display())
            elif kind == "product" and value in products:
                reasons.append(products[value].label)
            elif kind == "city":
                reasons.append(need.city)
            elif kind == "keyword":
                reasons.append(value)
        rows.append({"profile": profile, "score": match.score, "reasons": reasons})
    return rows
