"""Errors the rules raise; views turn them into form errors and flashes."""


def untranslated(message):
    """The default `tr` of domain functions: messages stay in English (the source language)."""
    return message


class DomainError(Exception):
    """A rule said no. `field` names the form field at fault, when there is one."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The acting person may not do this."""


class NotFound(DomainError):
    """The thing asked for does not exist (or the person may not know it does)."""


class Conflict(DomainError):
    """The state changed under us: a seat was taken, a token was used."""


class Throttled(DomainError):
    """Too many attempts; `retry_after` is in seconds."""

    def __init__(self, message, *, retry_after):
        super().__init__(message)
        self.retry_after = retry_after
