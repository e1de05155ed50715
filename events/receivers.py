"""Reactions of the events app to its own pages' life cycle."""

from django.dispatch import receiver
from wagtail.signals import page_published

from .models import EventPage


@receiver(page_published, sender=EventPage)
def event_page_published(sender, instance, **kwargs):
    """Seats staff added go to the waitlist; a new time or place is announced to attendees."""
    from . import services

    services.event_published(instance)
