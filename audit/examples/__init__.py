"""The examples stage: collect runnable blocks, run them sandboxed and cached.

One door: :func:`audit.examples.execute.run_examples`. Outside the sandbox (the audit's process):
``collect`` (documents to per-section sequences), ``cache``, ``execute`` (every sequence, pooled
and cached) and the sandbox's parent side. Inside it: ``worker.py``, run as a script by the
example interpreter, never imported.
"""
