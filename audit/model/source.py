"""What discovery hands to the parser: a file's bytes and identity, nothing interpreted yet."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """A discovered Markdown file.

    ``data`` is None when the file could not be read; ``read_error`` then says why, so the
    parser can turn it into a finding instead of the file silently disappearing.
    """

    path: str  # relative to the project root, POSIX separators
    abspath: str
    data: bytes | None
    digest: str
    read_error: str = ""
    read_error_code: str = ""
