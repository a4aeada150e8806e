"""One error root, so the CLI can turn every user mistake into exit 2 with a short message."""


class AuditError(Exception):
    """A problem the user can fix (bad config, bad arguments, unwritable output)."""


class ConfigError(AuditError):
    """The configuration is invalid; the message names the key path and, if known, the line."""
