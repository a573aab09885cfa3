"""Typed failures of the hub client; messages are safe to show (no tokens, no tracebacks)."""

from __future__ import annotations


class HubError(Exception):
    """Base class. ``reason`` is a one-line explanation; ``fix`` says what the user can do."""

    fix = "re-run later or raise --timeout"
    # A limit the user chose (offline mode) rather than a failure of the hub or of the content: the scan
    # it leaves incomplete is a note (HG405), not a warning that fails the default gate.
    deliberate = False

    def __init__(self, reason: str, fix: str | None = None, *, deliberate: bool | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if fix is not None:
            self.fix = fix  # a hub names its own token variable, e.g. HF_TOKEN
        if deliberate is not None:
            self.deliberate = deliberate


class RepoNotFound(HubError):
    fix = "fix the repository ID (or provide a token if it is private)"


class RepoMoved(RepoNotFound):
    """The hub redirects the name elsewhere (a renamed or transferred repository): the old name is free."""

    def __init__(self, reason: str, new_name: str | None, fix: str | None = None) -> None:
        super().__init__(reason, fix)
        self.new_name = new_name


class RevisionNotFound(HubError):
    fix = "use a revision that exists in the repository"


class EntryNotFound(HubError):
    fix = "the file is listed but missing; re-run later"


class AccessDenied(HubError):
    fix = "provide a token with access to the repository"


class RateLimited(HubError):
    fix = "re-run later, or provide a token for a higher rate limit"


class HubTimeout(HubError):
    fix = "raise --timeout"


class Truncated(HubError):
    fix = "re-run later; the hub or a proxy cut the transfer"


class Unavailable(HubError):
    """The hub answered with a server error or could not be reached."""


class Offline(HubError):
    """Offline mode: only what a local cache holds was read (not deliberate when the hub was unreachable)."""

    fix = "run once online to fill the local cache"
    deliberate = True


class TooLarge(HubError):
    fix = "review the file manually; it exceeds hubguard's size cap"
