"""Plain data passed between stages. Nothing here does I/O or parsing."""
