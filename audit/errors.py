"""Errors the CLI turns into messages and exit codes."""


class AuditError(Exception):
    """Base class: a problem the user can fix (bad input, bad option). Exit code 2."""


class IngestError(AuditError):
    """A file could not be read or recognized; the message names the file and what was expected."""


class ConfigError(AuditError):
    """A bad option or configuration file."""


class StoreError(AuditError):
    """The DuckDB file is missing, locked or not an audit workspace."""


class ResourceError(AuditError):
    """The work ran out of memory or disk; the message names the limit or the disk and what to do."""
