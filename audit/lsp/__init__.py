"""The editor side: a Language Server (``content-audit lsp``) and the ``check --watch`` loop.

Both keep the parsed knowledge base in memory and re-check only what an edit can affect, with
the same rules, codes and severities as ``check`` (``audit/lsp/state.py``).
"""
