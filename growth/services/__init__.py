"""Growth's state changes by area: diagnosis.py (taking, scoring, overriding) and team.py
(invitations, roles, removals). Each public function is one user intention in one transaction."""

from academy.errors import ActionRefused


class GrowthError(ActionRefused):
    """A growth rule refused the action (diagnosis, team)."""
