"""What the event pages' routes do: parse input, call a selector or a service, answer.

A rule that says no (services.EventError) becomes a message on the page it concerns, rendered
with the error's 4xx status; bad input is a 400 with the form's errors. Nothing here decides.
Methods and sign-in are checked by decorators, as in the other apps: require_POST / require_safe
/ require_http_methods outermost (a wrong method is a 405 even for visitors), then login_required.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from academy.headers import permissions_policy
from academy.models import LecturerProfile

from . import ics, selectors, services
from .forms import (
    CheckInForm,
    CheckInSearchForm,
    RatingForm,
    RegistrationForm,
    UndoCheckInForm,
)
from .models import EventIndexPage, EventPage, Registration
from .templatetags.events_tags import event_time


def _title(event: EventPage) -> str:
    return event.title


def _render_event(event: EventPage, request, status: int = 200, **context):
    response = event.render(request, context_overrides=context)
    response.status_code = status
    return response


def _forbidden(request, page):
    return TemplateResponse(
        request, "events/forbidden.html", {"page": page, "self": page}, status=403
    )


def login_required_back_to_event(view):
    """login_required for a POST-only route under an event page (register/, rate/): after
    signing in, the visitor lands on the event page, since the route itself only answers POST."""

    @wraps(view)
    def wrapper(request, event: EventPage, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(event.get_url(request) or request.path)
        return view(request, event, *args, **kwargs)

    return wrapper


# --- Listing, archive, calendars ----------------------------------------------------------------


@require_safe
def listing(request, index: EventIndexPage, *, past: bool = False):
    context = selectors.listing_context(index, request, past=past)
    response = index.render(
        request, template="events/event_index_page.html", context_overrides=context
    )
    form = context["filter_form"]
    if form.is_bound and not form.is_valid():
        response.status_code = 400
    return response


def archive(request, index: EventIndexPage):
    return listing(request, index, past=True)


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def feed(request):
    """/events/feed.ics: every event, for calendar apps to subscribe to."""
    events = list(selectors.feed_events())
    return _calendar_response(ics.calendar(events, name=_("Provider Academy events")), "events.ics")


@require_safe
def event_calendar(request, event: EventPage):
    response = _calendar_response(ics.calendar([event], name=event.title), f"{event.slug}.ics")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


# --- Sign-up, ticket, cancel, claim -------------------------------------------------------------


@require_POST
@login_required_back_to_event
def register(request, event: EventPage):
    form = RegistrationForm(request.POST, event=event, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Please check the answers below."))
        return _render_event(event, request, status=400, registration_form=form)
    answers = services.Answers(**form.cleaned_data)
    try:
        registration, created = services.register(
            request.user, event, answers=answers, language=translation.get_language() or ""
        )
    except services.EventError as error:
        messages.error(request, error.message)
        return _render_event(event, request, status=error.status, registration_form=form)
    title = _title(event)
    if not created:
        messages.info(request, _("You are already signed up for “%(event)s”.") % {"event": title})
    elif registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request,
            _("You're in! Your seat at “%(event)s” is confirmed; we have e-mailed you the details.")
            % {"event": title},
        )
    else:
        messages.warning(
            request,
            _("“%(event)s” is full, so you are on the waitlist: number %(position)d.")
            % {"event": title, "position": registration.place_at_sign_up or 0},
        )
    # Both sign-up URLs end in register/ under the event's own path: no site lookup needed.
    return HttpResponseRedirect(request.path.removesuffix("register/") + "#registration")


@require_POST
def register_by_slug(request, slug: str):
    """POST /events/<slug>/register/ straight to the sign-up, without walking the page tree.

    This is the sign-up rush's hot path: Wagtail's routing costs about ten queries a request,
    this none while content is unchanged (selectors.signup_event). Anything unusual — no such
    live event, or a page with view restrictions — is served by Wagtail as any other page route
    would be.
    """
    event = selectors.signup_event(slug, request)
    if event is None:
        from wagtail.views import serve

        return serve(request, f"events/{slug}/register/")
    return register(request, event)


def _own_registration(request, pk: int) -> Registration:
    registration = selectors.registration_for_owner(request.user, pk)
    if registration is None:
        raise Http404
    return registration


@never_cache
@require_safe
@login_required
def ticket(request, index: EventIndexPage, pk: int):
    registration = _own_registration(request, pk)
    return _render_ticket(request, index, registration)


def _render_ticket(request, index, registration, status: int = 200):
    event = registration.event
    context = {
        "page": index,
        "self": index,
        "event": event,
        "registration": registration,
        "position": services.waitlist_position(registration),
        "event_url": event.get_url(request),
    }
    return TemplateResponse(request, "events/ticket.html", context, status=status)


@require_POST
@login_required
def cancel(request, index: EventIndexPage, pk: int):
    registration = _own_registration(request, pk)
    was_active = registration.is_active
    try:
        registration = services.cancel(registration)
    except services.EventError as error:
        messages.error(request, error.message)
        return _render_ticket(request, index, registration, status=error.status)
    if was_active:
        messages.success(
            request,
            _("Your registration for “%(event)s” is cancelled. Thank you for freeing the seat.")
            % {"event": _title(registration.event)},
        )
    return HttpResponseRedirect(selectors.ticket_url(index, registration))


@require_POST
@login_required
def claim(request, index: EventIndexPage, pk: int):
    registration = _own_registration(request, pk)
    try:
        registration = services.claim_offer(registration)
    except services.EventError as error:
        messages.error(request, error.message)
        registration = error.registration or registration
        return _render_ticket(request, index, registration, status=error.status)
    messages.success(request, _("The seat is yours. See you there!"))
    return HttpResponseRedirect(selectors.ticket_url(index, registration))


# --- Rating ------------------------------------------------------------------------------------


@require_POST
@login_required_back_to_event
def rate(request, event: EventPage):
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return _render_event(event, request, status=400, rating_form=form)
    try:
        services.rate_session(
            request.user,
            event,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    except services.EventError as error:
        messages.error(request, error.message)
        return _render_event(event, request, status=error.status, rating_form=form)
    messages.success(request, _("Thank you for rating the session."))
    return HttpResponseRedirect((event.get_url(request) or "/") + "#rate")


# --- Check-in (event staff) ---------------------------------------------------------------------


@never_cache
@require_safe
@login_required
def check_in_events(request, index: EventIndexPage):
    if not selectors.can_check_in(request.user):
        return _forbidden(request, index)
    events = list(selectors.check_in_events())
    return TemplateResponse(
        request, "events/check_in_events.html", {"page": index, "self": index, "events": events}
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@never_cache
@permissions_policy(camera=["self"])  # the door scanner reads QR codes with the camera
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def check_in(request, event: EventPage):
    """The door: scan or type a code (POST code), or search and pick someone (POST registration)."""
    if not selectors.can_check_in(request.user):
        if _wants_json(request):
            return JsonResponse(
                {"outcome": "forbidden", "message": _("Event staff only.")}, status=403
            )
        return _forbidden(request, event)
    form = CheckInForm()
    result, status = None, 200
    if request.method == "POST":
        result, status, form = _check_in_post(request, event)
        if _wants_json(request):
            counts = selectors.check_in_counts(event)
            return JsonResponse({**result, "checked_in_count": counts["checked_in"]}, status=status)
    return _door(request, event, form=form, result=result, status=status)


def _door(request, event: EventPage, *, form=None, result=None, status: int = 200):
    """The check-in page: the scan box, its latest result, the search and the latest check-ins."""
    # The forms post to the door's own path, whichever of its routes (…/check-in/ or
    # …/check-in/undo/) answered, and keep the language prefix the page was opened under.
    door_url = request.path.removesuffix("undo/")
    search = CheckInSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    context = {
        "page": event,
        "self": event,
        "event": event,
        "form": form or CheckInForm(),
        "search_form": search if search.is_bound else CheckInSearchForm(),
        "result": result,
        "window": event.check_in_window(),
        "door_url": door_url,
        **selectors.check_in_context(event, query),
    }
    return TemplateResponse(request, "events/check_in.html", context, status=status)


@require_POST
@login_required
def undo_check_in(request, event: EventPage):
    """Take back a check-in from the door page's lists (POST registration, optional reason)."""
    if not selectors.can_check_in(request.user):
        return _forbidden(request, event)
    form = UndoCheckInForm(request.POST)
    if not form.is_valid():
        message = _("No such registration at this event.")
        if "reason" in form.errors:
            message = _("Keep the reason under 300 characters.")
        return _door(request, event, result={"outcome": "refused", "message": message}, status=400)
    try:
        registration = services.undo_check_in(
            event,
            form.cleaned_data["registration"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except services.EventError as error:
        result = {"outcome": "refused", "message": str(error.message)}
        return _door(request, event, result=result, status=error.status)
    messages.success(
        request,
        _("The check-in of %(name)s is undone: they no longer count as attended.")
        % {"name": registration.user},
    )
    query = request.GET.get("q", "")[:80]
    door_url = request.path.removesuffix("undo/")
    return HttpResponseRedirect(door_url + (f"?{urlencode({'q': query})}" if query else ""))


def _check_in_post(request, event: EventPage):
    form = CheckInForm(request.POST if "code" in request.POST else None)
    try:
        if "registration" in request.POST:
            try:
                registration_id = int(request.POST["registration"])
            except (TypeError, ValueError):
                raise services.InvalidCode(_("No such registration at this event.")) from None
            done = services.check_in_registration(event, registration_id, by=request.user)
        elif form.is_valid():
            done = services.check_in(event, form.cleaned_data["code"], by=request.user)
            form = CheckInForm()
        else:
            raise services.InvalidCode(
                _("Scan a QR code or type the 8-character code, e.g. ABCD-EFGH.")
            )
    except services.EventError as error:
        registration = error.registration
        return (
            {
                "outcome": "refused",
                "message": str(error.message),
                "name": str(registration.user) if registration else "",
                "code": registration.display_code if registration else "",
                "reason": "outside_window"
                if isinstance(error, services.OutsideCheckInWindow)
                else "",
            },
            error.status,
            form,
        )
    registration = done.registration
    name = str(registration.user)
    at = event_time(done.at, event)
    if done.already:
        by = str(done.by) if done.by else ""
        message = (
            _("%(name)s was already checked in at %(time)s by %(staff)s.")
            if by
            else _("%(name)s was already checked in at %(time)s.")
        ) % {"name": name, "time": at, "staff": by}
    else:
        message = _("%(name)s is checked in at %(time)s: attended.") % {"name": name, "time": at}
    return (
        {
            "outcome": "already" if done.already else "checked_in",
            "message": message,
            "name": name,
            "code": registration.display_code,
            "time": at,
            "company": registration.company,
        },
        200,
        form,
    )


@never_cache
@require_GET
@login_required
def taught_session(request, pk: int):
    """A session the signed-in lecturer teaches: sign-ups, who checked in, ratings. Anyone else
    (another lecturer, a member, a visitor) gets a 404: the list is not theirs to read."""
    lecturer = LecturerProfile.objects.filter(user_id=request.user.pk).first()
    context = selectors.taught_session(lecturer, pk) if lecturer else None
    if context is None:
        raise Http404
    return TemplateResponse(request, "events/teaching_session.html", context)
