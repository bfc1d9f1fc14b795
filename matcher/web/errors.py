"""Expected ways a page request ends early, turned into responses in :mod:`matcher.web.mounting`."""


class PageError(Exception):
    """A refusal shown to a person as a page (``title``, ``message``) with its HTTP status."""

    def __init__(
        self, status: int, title: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.headers = headers or {}


class LoginRequired(Exception):
    """An anonymous visitor asked for a page that needs an account; ``next`` is where to return."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path
