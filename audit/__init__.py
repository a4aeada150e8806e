"""content-audit: keeps a Markdown knowledge base honest by measuring what a gap tracker claims."""

__version__ = "0.1.0"
