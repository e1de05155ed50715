"""The one base for the academy's refusals, and the one place that turns them into responses.

Every app's errors derive from `AcademyError`: `message` says why in the reader's words, `status`
is the HTTP status to answer with. Views that want a form-specific answer catch them (and show
the message beside the form); anything they let through reaches `AcademyErrorMiddleware`, which
answers with a message page, or JSON ({"error": message}) when the request's Accept header
prefers application/json to HTML, never a 500.
"""

from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class AcademyError(Exception):
    """A rule of the academy said no."""

    status = 400
    default_message = _("This is not possible.")

    def __init__(self, message: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message or self.default_message
        if status is not None:
            self.status = status

    def __str__(self):
        return str(self.message)


class ActionRefused(AcademyError):
    """The state of things refused the action (already done, full, not yours to change…)."""

    status = 409


def wants_json(request: HttpRequest) -> bool:
    """Whether the client prefers JSON to a page: Accept's quality values decide, and a browser's
    `text/html,…,*/*;q=0.8` (or no Accept at all) gets the page."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def error_response(request: HttpRequest, error: AcademyError):
    if wants_json(request):
        return JsonResponse({"error": str(error.message)}, status=error.status)
    return TemplateResponse(
        request,
        "refused.html",
        {"message": error.message, "status": error.status},
        status=error.status,
    )


class AcademyErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, AcademyError):
            return error_response(request, exception)
        return None
