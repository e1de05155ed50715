"""The one base for refusals of a business rule, so every app's views turn them into a 4xx the
same way: `message` says why in the reader's words, `status` is the HTTP status to answer with."""


class ActionRefused(Exception):
    """A rule refused the action; never a 500."""

    status = 409

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self):
        return str(self.message)
