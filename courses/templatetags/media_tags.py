"""Template helpers of the lesson player (courses/includes/media_player.html)."""

from django import template

register = template.Library()


@register.filter
def player_for(players, block_id):
    """The Player (courses/media.py) of one media block, or None."""
    return (players or {}).get(block_id)
