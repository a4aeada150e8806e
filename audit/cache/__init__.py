"""The incremental engine and its authenticated on-disk cache (parse packs, state)."""
