"""The audit inside ``mkdocs build``: findings as mkdocs log records, computed gap statuses on the
built tracker pages, and an optional generated coverage page (``plugins: [content-audit]``)."""
