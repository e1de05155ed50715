"""Academy's reactions to Wagtail's, allauth's and its own models' signals: keeps the search index
in step with what is published, makes stored pages stale when content changes (academy/page_cache.py),
welcomes new members, notes a first sign-in, and forgets the cached privacy-notice version when a
notice changes.

The index holds the text of live pages. Whether a reader may see one is decided when searching
(academy.search.visible_to) from the page tree as it is then, so privacy changes, moves and
expiry times need no receiver here; a deleted page takes its document with it (foreign key,
CASCADE). Unpublishing, by hand or by publish_scheduled at expiry, drops the text.
"""

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import outbox, page_cache, privacy, search, tasks
from .models import PrivacyNotice
from .services import FIRST_SIGN_IN


@receiver(post_save, dispatch_uid="page_cache_post_save")
@receiver(post_delete, dispatch_uid="page_cache_post_delete")
@receiver(m2m_changed, dispatch_uid="page_cache_m2m_changed")
def content_written(sender, **kwargs):
    # Any model: publishing, unpublishing, a privacy change, a snippet, a setting, a certificate…
    page_cache.model_written(sender)


@receiver(post_page_move, dispatch_uid="page_cache_page_moved")
def page_moved(sender, **kwargs):
    # Treebeard moves a subtree with queryset updates: no post_save for the descendants.
    page_cache.bump()


@receiver(page_published)
def index_published_page(sender, instance, **kwargs):
    search.index_object(instance.specific)


@receiver(page_unpublished)
def drop_unpublished_page(sender, instance, **kwargs):
    search.remove_object(instance)


@receiver(user_signed_up)
def welcome_new_user(sender, request, user, **kwargs):
    outbox.enqueue(tasks.send_welcome_email, user.pk, get_language())


@receiver(user_logged_in)
def remember_first_sign_in(sender, request, user, **kwargs):
    # Runs before django.contrib.auth's update_last_login (academy comes before it in
    # INSTALLED_APPS, so its receivers are connected first): last_login is still the previous one.
    if request is not None and hasattr(request, "session"):
        request.session[FIRST_SIGN_IN] = user.last_login is None


# A new or changed notice may change the version everyone must have accepted.
post_save.connect(privacy.forget_required_version, sender=PrivacyNotice)
post_delete.connect(privacy.forget_required_version, sender=PrivacyNotice)
