"""Keeps the search index in step with what is published; welcomes new members."""

from allauth.account.signals import user_signed_up
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import get_language
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from . import outbox, search, tasks


@receiver(page_published)
def index_published_page(sender, instance, **kwargs):
    search.index_object(instance.specific)


@receiver(page_unpublished)
def drop_unpublished_page(sender, instance, **kwargs):
    search.remove_object(instance)


@receiver(post_delete, sender=Page)
def drop_deleted_page(sender, instance, **kwargs):
    search.remove_object(instance)


@receiver(user_signed_up)
def welcome_new_user(sender, request, user, **kwargs):
    outbox.enqueue(tasks.send_welcome_email, user.pk, get_language())
