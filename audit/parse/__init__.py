"""Markdown → Document. The only package that knows Markdown syntax (and mistune)."""
