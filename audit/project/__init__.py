"""Projects the audit recognises without a content-audit config (a mkdocs site, for now)."""
