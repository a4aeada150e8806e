"""The examples stage: collect runnable blocks, run them sandboxed and cached.

One door: :func:`audit.examples.execute.run_examples`. Every module here runs in the audit's
process except ``worker.py``: the example interpreter runs it inside the sandbox as a script
(``-I``, standard library only, never imported), since that interpreter may not even have
``audit`` installed.

* ``collect``: documents to per-section sequences of examples;
* ``cache``: results on disk, keyed by everything that can change them;
* ``execute``: every sequence, in a pool, through the cache;
* ``isolation``: the confinement the machine offers, and which layers a run really got;
* ``launch``: the sandbox's parent side: start the worker, pump its output, time out, kill;
* ``outcome``: a finished run judged, block by block.
"""
