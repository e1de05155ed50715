"""Keeps the search index in step with what is published; welcomes new members.

The index holds the text of live pages. Whether a reader may see one is decided when searching
(academy.search.visible_to) from the page tree as it is then, so privacy changes, moves and
expiry times need no receiver here; a deleted page takes its document with it (foreign key,
CASCADE). Unpublishing, by hand or by publish_scheduled at expiry, drops the text.
"""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.utils.translation import get_language
from wagtail.signals import page_published, page_unpublished

from . import outbox, search, tasks


@receiver(page_published)
def index_published_page(sender, instance, **kwargs):
    search.index_object(instance.specific)


@receiver(page_unpublished)
def drop_unpublished_page(sender, instance, **kwargs):
    search.remove_object(instance)


@receiver(user_signed_up)
def welcome_new_user(sender, request, user, **kwargs):
    outbox.enqueue(tasks.send_welcome_email, user.pk, get_language())
