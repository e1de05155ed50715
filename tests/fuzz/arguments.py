"""Real objects for the arguments of URL patterns: a route naming an attempt gets an attempt of
the user asking, a page id a live course page, a Wagtail viewset's `pk` a row of its model."""

from __future__ import annotations

from .urlmap import Route, view_model

# Route name -> {argument: function(world, role) -> value}
BY_ROUTE = {
    "exams:detail": {"slug": lambda w, r: w.exam.slug},
    "exams:start": {"slug": lambda w, r: w.exam.slug},
    "programme_detail": {"slug": lambda w, r: w.programme.slug},
    "programme_apply": {"slug": lambda w, r: w.programme.slug},
    "lecturer_profile": {"pk": lambda w, r: w.lecturer.pk},
    "growth:diagnosis_result": {"pk": lambda w, r: w.diagnosis_done.pk},
    "growth:diagnosis_step": {
        "pk": lambda w, r: w.diagnosis_draft.pk,
        "direction": lambda w, r: w.diagnosis_draft.directions[0],
    },
    "growth:team_revoke": {"pk": lambda w, r: w.invitation.pk},
    "growth:team_role": {"pk": lambda w, r: w.member_membership.pk},
    "growth:team_remove": {"pk": lambda w, r: w.member_membership.pk},
    "growth:join": {"token": lambda w, r: w.invitation.token},
    "events:register": {"slug": lambda w, r: _page(w, "EventPage").slug},
    "privacy_set_consent": {"kind": lambda w, r: "marketing_email"},
    "exams_admin:grade": {
        "response_id": lambda w, r: w.short_response.pk if w.short_response else 1
    },
    "exams_admin:export": {"bank_id": lambda w, r: w.bank.pk},
    "exams_admin:statistics": {"exam_id": lambda w, r: w.exam.pk},
}

# Argument name -> function(world, role) -> value, for every other route.
BY_ARGUMENT = {
    "attempt_id": lambda w, r: (w.attempts.get(r) or w.attempts["member"]).pk,
    "serial": lambda w, r: w.certificate.serial,
    "page_id": lambda w, r: _page(w, "CoursePage").pk,
    "parent_page_id": lambda w, r: _page(w, "CourseIndexPage").pk,
    "page_to_move_id": lambda w, r: _page(w, "StandardPage").pk,
    "destination_id": lambda w, r: _page(w, "HomePage").pk,
    "page_pk": lambda w, r: _page(w, "CoursePage").pk,
    "revision_id": lambda w, r: _page(w, "CoursePage").latest_revision_id,
    "revision_id_a": lambda w, r: "earliest",
    "revision_id_b": lambda w, r: "latest",
    "content_type_app_name": lambda w, r: "courses",
    "content_type_model_name": lambda w, r: "coursepage",
    "app_label": lambda w, r: "courses",
    "app_name": lambda w, r: "courses",
    "model_name": lambda w, r: "coursepage",
    "action_name": lambda w, r: "publish",
    "action": lambda w, r: "delete",
    "token": lambda w, r: w.invitation.token,
}


def _page(world, class_name: str):
    for page_type, page in world.pages.items():
        if page_type.__name__ == class_name:
            return page
    raise LookupError(class_name)


def _namespace_model(route: Route):
    """The model of a Wagtail route whose view does not name it (choosers, collections…)."""
    from django.contrib.auth.models import Group
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Locale, Site, Task, Workflow

    from academy.models import User

    namespace = route.name.rsplit(":", 1)[0]
    for marker, model in (
        ("wagtaildocs", get_document_model()),
        ("wagtailimages", get_image_model()),
        ("wagtailusers_users", User),
        ("wagtailusers_groups", Group),
        ("wagtailsites", Site),
        ("wagtaillocales", Locale),
        ("collections", Collection),
        ("workflows_tasks", Task),
        ("workflows", Workflow),
    ):
        if marker in namespace:
            return model
    return None


def _row_pk(model) -> str:
    row = model._default_manager.order_by("pk").first()
    return str(row.pk) if row is not None else "1"


def argument_values(route: Route, world, role: str) -> dict[str, str]:
    """A value for each argument of `route`: a real object where one is known, else one that
    matches the converter (the view then answers 404, which the fuzz accepts)."""
    values = {}
    model = view_model(route) or _namespace_model(route)
    for name, converter in route.args:
        if name in BY_ROUTE.get(route.name, {}):
            value = BY_ROUTE[route.name][name](world, role)
        elif name in BY_ARGUMENT:
            value = BY_ARGUMENT[name](world, role)
        elif name in ("pk", "object_id", "id") and model is not None:
            value = _row_pk(model)
        elif converter in ("int", "regex"):
            value = 1
        else:
            value = "x"
        values[name] = str(value)
    return values


# Values for a routable page's sub-page arguments.
def subpage_values(names, world, role: str) -> dict[str, str]:
    values = {}
    for name in names:
        if name == "pk":  # the events listing's registrations/<pk>/…
            registration = world.registrations.get(role) or world.registrations["member"]
            values[name] = str(registration.pk)
        elif name == "slug":  # a learning path
            from courses.models import LearningPath

            path = LearningPath.objects.first()
            values[name] = path.slug if path else "x"
        else:
            values[name] = "1"
    return values
