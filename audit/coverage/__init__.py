"""Coverage: requirements, the evidence a claimed section holds, scores, thresholds.

One module per role, in the order a run uses them: ``requirements`` (what a gap is measured
against), ``rows`` (priority rows and task files matched to gaps), ``claims`` and ``evidence``
(a claimed section and what it holds), ``matching`` (claims resolved and credited),
``scoring`` (the requirements evaluated and rolled up into one ``Coverage``, built once) and
``thresholds`` (the pass/fail lines, once every finding is known).
"""
