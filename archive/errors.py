"""Errors that cross package boundaries. Each carries a one-line, user-facing message."""


class ArchiveError(Exception):
    """Base of every expected error: the CLI prints its message as one line and exits non-zero."""

    exit_code = 1


class ConfigError(ArchiveError):
    """A setting is malformed; the message names the variable and what is wrong."""

    exit_code = 2


class NotFound(ArchiveError):
    """Also raised for records the viewer may not see: above clearance a record does not exist."""


class Forbidden(ArchiveError):
    """The viewer may see the target but not do this to it."""


class Conflict(ArchiveError):
    """The action contradicts the current state (a hold, a duplicate, a reused code)."""


class ValidationError(ArchiveError):
    """Input is missing a field or has a malformed one."""


class IntegrityError(ArchiveError):
    """Stored bytes or the audit chain do not match what was recorded."""


class TransientError(ArchiveError):
    """A backend (catalog, object store, index, broker) could not be reached or answered busy.
    The same call may succeed later: tasks retry it with back-off, the web answers 503."""
