"""Admin hooks of the academy shell.

Every delete the Wagtail admin offers first checks that no record the academy keeps would go with
it (academy/records.py explains the rule). The read-only join request, outbox and sent e-mail
listings are in academy/admin_viewsets.py.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from . import audit, records
from .admin_viewsets import join_request_viewset, outbox_viewset, outgoing_mail_viewset
from .models import FooterText, PrivacyNotice
from .sections import MY_ACADEMY_SECTIONS, Section

# The footer's text, one per language: "Translate" in its menu makes the English one.
register_snippet(FooterText)
# The privacy notice, one row per version and language (academy/privacy.py).
register_snippet(PrivacyNotice)


@hooks.register(MY_ACADEMY_SECTIONS)
def privacy_section(request):
    from . import privacy

    return Section(
        key="privacy",
        order=90,
        template="academy/privacy/my_privacy_section.html",
        context={"choices": privacy.choices_for(request.user)},
    )


@hooks.register("register_admin_viewset")
def register_join_request_viewset():
    return join_request_viewset


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return outbox_viewset


@hooks.register("register_admin_viewset")
def register_outgoing_mail_viewset():
    return outgoing_mail_viewset


@hooks.register("before_delete_page")
def keep_records_of_page(request, page):
    return records.refuse_deleting_pages(request, [page])


@hooks.register("before_bulk_action")
def keep_records_in_bulk_delete(request, action_type, objects, action_class_instance):
    if action_type != "delete" or not objects:
        return None
    back = action_class_instance.next_url
    if isinstance(objects[0], Page):
        return records.refuse_deleting_pages(request, objects, back)
    instead = _DEACTIVATE() if isinstance(objects[0], get_user_model()) else ""
    return records.refuse_deleting(request, objects, back, instead=instead)


@hooks.register("before_delete_snippet")
def keep_records_of_snippet(request, instances):
    return records.refuse_deleting(request, instances)


@hooks.register("before_delete_user")
def keep_records_of_user(request, user):
    return records.refuse_deleting(request, [user], instead=_DEACTIVATE())


def _DEACTIVATE():
    return gettext("Deactivate the account instead: the person can no longer sign in.")


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    audit.register_actions(actions)


@hooks.register("before_edit_user")
def log_staff_viewing_a_person(request, user):
    # The edit view shows the person's name, e-mail and groups: opening it is access to their
    # data (a save is logged by Wagtail as an edit, so only the reading is logged here).
    if request.method == "GET":
        audit.log_personal_data_viewed(request, user, where="wagtail users edit")


@hooks.register("register_log_actions")
def register_closure_actions(actions):
    """Staff acting on a person's account closure (academy/closure.py), in Wagtail's log."""
    from django.utils.translation import gettext_lazy as _

    actions.register_action(
        "academy.closure.requested_on_behalf",
        _("Account closure requested on the person's behalf"),
        _("Account closure requested on the person's behalf"),
    )
    actions.register_action(
        "academy.closure.closed_on_behalf",
        _("Account closed on the person's behalf"),
        _("Account closed on the person's behalf"),
    )
    actions.register_action(
        "academy.closure.cancelled_on_behalf",
        _("Account closure cancelled on the person's behalf"),
        _("Account closure cancelled on the person's behalf"),
    )


@hooks.register("register_admin_viewset")
def register_closure_viewset():
    from .admin_closures import closure_viewset

    return closure_viewset


@hooks.register("register_admin_urls")
def register_closure_urls():
    from .admin_closures import urls

    return urls()
