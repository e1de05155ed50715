from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import search as site_search
from . import selectors
from .health import check_health
from .sections import my_academy_sections


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers: 200 when the database answers, else 503."""
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_required
def my_academy(request):
    context = selectors.my_academy_context(request.user)
    context["sections"] = my_academy_sections(request)
    return render(request, "academy/my_academy.html", context)


@require_GET
def search(request):
    query = request.GET.get("query", "").strip()[:100]
    results = site_search.search(query) if query else site_search.SearchDocument.objects.none()
    page = Paginator(results, 10).get_page(request.GET.get("page"))
    script = site_search.reader_script(query, get_language())
    return render(
        request,
        "academy/search.html",
        {
            "query": query,
            "results": site_search.present(list(page.object_list), query, script, request),
            "page_obj": page,
        },
    )


def bad_request(request, exception=None):
    """Input no page can read (a NUL byte, say: academy.middleware): say so, as a 400."""
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
