"""Public provider profiles in the site search (academy/search.py's registry).

A profile's document is the company name (its title) and the words of the copy staff approved,
never the draft waiting for review. It is written by the services that change the public copy
(approval, removing a service) in their transaction, and dropped when the profile stops being
public (withdrawn by staff, never approved) or is deleted with its company. The search folds
Traditional and Simplified script, so 餐飲 finds a 餐饮 provider.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from academy import search
from academy.models import Provider

from .models import ShowcaseProfile


def index_profile(profile: ShowcaseProfile) -> None:
    """Write the profile's document when it is public, else drop it (search.index_object reads
    `is_searchable`)."""
    search.index_object(profile)


def _company_saved(sender, instance: Provider, **kwargs) -> None:
    # The document's title is the company name, which staff may change in the admin.
    profile = ShowcaseProfile.objects.filter(provider=instance).first()
    if profile is not None:
        profile.provider = instance
        index_profile(profile)


def _profile_deleted(sender, instance: ShowcaseProfile, **kwargs) -> None:
    # Documents of objects that are not pages have no foreign key to cascade along.
    search.remove_object(instance)


def register() -> None:
    # The title is the company's name: shown as written, like on the profile.
    search.register(
        ShowcaseProfile, kind=_("Provider"), fields=["search_body"], title_as_written=True
    )
    post_save.connect(_company_saved, sender=Provider, dispatch_uid="showcase_index_company")
    post_delete.connect(
        _profile_deleted, sender=ShowcaseProfile, dispatch_uid="showcase_unindex_profile"
    )
