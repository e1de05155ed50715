from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import search as site_search
from . import selectors, services
from .closure import open_request as open_closure_request
from .forms import JoinCompanyForm, LecturerProfileForm, RegisterCompanyForm
from .health import check_health
from .models import LecturerProfile
from .script import script_of_language
from .sections import my_academy_sections
from .sites import with_kept_site


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers: 200 when the database answers, else 503."""
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_required
def my_academy(request):
    return _my_academy(request)


def _my_academy(request, status: int = 200, **bound_forms):
    context = selectors.my_academy_context(request.user)
    context["sections"] = my_academy_sections(request)
    context["first_sign_in"] = request.session.get(services.FIRST_SIGN_IN, False)
    context["closure"] = open_closure_request(request.user)
    if context["membership"] is None:
        # Without a company: ask to join one by its name, or register your own.
        context["join_form"] = bound_forms.get("join_form") or JoinCompanyForm()
        context["register_form"] = bound_forms.get("register_form") or RegisterCompanyForm()
    return render(request, "academy/my_academy.html", context, status=status)


@login_required
@require_POST
def company_join(request):
    form = JoinCompanyForm(request.POST)
    if not form.is_valid():
        return _my_academy(request, status=400, join_form=form)
    try:
        join_request = services.request_to_join(request.user, form.provider, get_language() or "")
    except services.MembershipError as error:
        messages.error(request, error.message)
        return _my_academy(request, status=error.status, join_form=form)
    messages.success(
        request,
        _("We asked the administrators of %(company)s to let you in.")
        % {"company": join_request.provider.name},
    )
    return redirect("my_academy")


@login_required
@require_POST
def company_register(request):
    form = RegisterCompanyForm(request.POST)
    if not form.is_valid():
        return _my_academy(request, status=400, register_form=form)
    try:
        membership = services.create_provider(
            request.user,
            form.cleaned_data["new_provider_name"],
            form.cleaned_data["new_provider_city"],
        )
    except services.CompanyNameTaken as error:  # registered a moment ago by someone else
        form.add_error("new_provider_name", error.message)
        return _my_academy(request, status=error.status, register_form=form)
    except services.MembershipError as error:
        messages.error(request, error.message)
        return _my_academy(request, status=error.status, register_form=form)
    messages.success(
        request,
        _("%(company)s is registered and you are its administrator.")
        % {"company": membership.provider.name},
    )
    return redirect("my_academy")


@login_required
@require_POST
def join_request_withdraw(request, pk: int):
    try:
        join_request = services.withdraw_join_request(request.user, pk)
    except services.MembershipError as error:
        messages.error(request, error.message)
        return _my_academy(request, status=error.status)
    messages.success(
        request,
        _("Your request to join %(company)s was withdrawn.")
        % {"company": join_request.provider.name},
    )
    return redirect("my_academy")


_LANG_OF_SCRIPT = {"hans": "zh-Hans", "hant": "zh-Hant"}


# Results depend on who asks (private and group-restricted pages): no shared cache may keep them.
@with_kept_site  # each result links to its page
@cache_control(private=True)
@require_GET
def search(request):
    query = request.GET.get("query", "").strip()[:100]
    results = (
        site_search.search(query, request.user)
        if query
        else site_search.SearchDocument.objects.none()
    )
    page = Paginator(results, 10).get_page(request.GET.get("page"))
    script = site_search.reader_script(query, get_language())
    return render(
        request,
        "academy/search.html",
        {
            "query": query,
            "results": site_search.present(list(page.object_list), query, script, request),
            "page_obj": page,
            # Results follow the script the reader typed in; the page converts to it (lang).
            "results_lang": _LANG_OF_SCRIPT.get(script)
            if script != script_of_language(get_language())
            else None,
        },
    )


def bad_request(request, exception=None):
    """Input no page can read (a NUL byte, say: academy.middleware): say so, as a 400."""
    return render(request, "400.html", {"shell_uncached": True}, status=400)


def page_not_found(request, exception=None):
    # Any path can be a 404: its shell is not cached (academy/fragments.py), or scanners would fill
    # the cache with one header per made-up URL.
    return render(request, "404.html", {"shell_uncached": True}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@login_required
def lecturer_profile_edit(request):
    """A lecturer edits their own profile; there is no other person's profile to reach here."""
    profile = (
        LecturerProfile.objects.filter(user_id=request.user.pk).select_related("photo").first()
    )
    if profile is None:
        raise Http404
    form = LecturerProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_lecturer_profile(
            profile,
            bio=data["bio"],
            city=data["city"],
            specialties=data["specialties"],
            listed=data["listed"],
            photo=data.get("photo_upload"),
            remove_photo=data.get("remove_photo", False),
        )
        messages.success(request, _("Your lecturer profile is saved."))
        return redirect("my_academy")
    status = 400 if form.errors else 200
    return render(
        request,
        "academy/lecturer_profile_form.html",
        {"form": form, "profile": profile},
        status=status,
    )
