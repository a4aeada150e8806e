"""Precision and recall of the claim-item check: ``python -m bench.claims [CONFIG...]``.

For each project (its content-audit.yaml; default: this repository's):

- **as written**: every checkable item of every resolved claim looked for in its own section.
  Items reported missing are printed, to be judged by hand: a missing item on a true claim is a
  false positive (precision = judged-true findings / findings).
- **misdirected**: every item that is found in its own section is looked for in each *other* H2
  section of the same document, as if the tracker pointed at the wrong section. Such a claim is
  false by construction, so the share reported missing is the recall on misdirected claims
  (an item whose terms really are in the other section too counts as a miss).
"""

from __future__ import annotations

import argparse

from audit.config import load_config
from audit.coverage.evidence import EvidenceFinder
from audit.coverage.matching import resolve_claims
from audit.pipeline import full_audit


def measure(config_path: str) -> dict[str, int]:
    audit = full_audit(load_config(config_path), execute=False, use_cache=False)
    graph = audit.analysis.graph
    finder = EvidenceFinder(audit.analysis.root, audit.analysis.config)
    counts = {"items": 0, "found": 0, "missing": 0, "misdirected": 0, "misdirected_caught": 0}
    for tracker in audit.trackers:
        for gap in tracker.gaps:
            for rc in resolve_claims(gap, graph):
                if not rc.resolved or rc.heading is None:
                    continue
                doc = graph.documents[rc.document]
                others = [i for i, h in enumerate(doc.headings) if h.level == 2 and i != rc.heading]
                for item in rc.claim.items:
                    ev = finder.check(item.text, item.span.line, doc, rc.heading)
                    if ev.state not in ("found", "missing"):
                        continue
                    counts["items"] += 1
                    counts[ev.state] += 1
                    if ev.state == "missing":
                        print(f"  missing  {gap.id}: {item.text[:80]!r} {ev.missing_terms}")
                        continue
                    for other in others:
                        wrong = finder.check(item.text, item.span.line, doc, other)
                        counts["misdirected"] += 1
                        counts["misdirected_caught"] += wrong.state == "missing"
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("configs", nargs="*", default=["content-audit.yaml"])
    args = parser.parse_args()
    for config in args.configs:
        print(config)
        c = measure(config)
        recall = c["misdirected_caught"] / c["misdirected"] if c["misdirected"] else 0.0
        print(
            f"  checkable items {c['items']}: found {c['found']}, missing {c['missing']}; "
            f"misdirected {c['misdirected']}: caught {c['misdirected_caught']} "
            f"(recall {100 * recall:.1f}%)"
        )


if __name__ == "__main__":
    main()
