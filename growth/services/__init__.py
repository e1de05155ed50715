"""Growth's state changes by area: diagnosis.py (taking, scoring, overriding) and team.py
(invitations, roles, removals). Each public function is one user intention in one transaction."""


class GrowthError(Exception):
    """A rule refused the action; `message` says why in the reader's words. Views show it with
    `status` (4xx), never a 500."""

    status = 409

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self):
        return str(self.message)
