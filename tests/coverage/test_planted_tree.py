"""The issue's small tree: every planted false claim is reported at its gap, no true one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER, audit_tree

INTENDED = [
    ("CL001", 12),  # YaRN ... with implementation: section 1 never mentions YaRN
    ("CL001", 31),  # Chain-of-Experts item on the MoE section
    ("CL001", 39),  # Реализация DistillationLoss на PyTorch: no such code
    ("CL002", 41),  # '???': nothing checkable (info)
    ("CL003", 30),  # Chain-of-Experts gets no credit from the MoE materials section
    ("CL003", 33),  # ... nor from the MoE interview section
    ("CL004", 25),  # 'Отдельная практическая задача' while ml_001 declares the gap
    ("CL005", 53),  # priority row asking to add ml_001, which exists
    ("CL006", 26),  # 'Load-balancing loss' is in the claimed MoE section (info)
    ("CL007", 43),  # Quantization (НЕТ) while '4. Квантизация весов' is unclaimed
    ("GP003", 28),  # Chain-of-Experts declared partial, computes none
]


def test_exactly_the_planted_findings(fixture_tree: Callable[[str], Path]) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    got = sorted((f.code, f.span.line) for f in audit.findings if f.span.path == TRACKER)
    assert got == sorted(INTENDED)
    assert [f for f in audit.findings if f.span.path != TRACKER] == []


def test_statuses_follow_the_evidence(fixture_tree: Callable[[str], Path]) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    statuses = {g.gap.id: (g.status, round(g.score, 2)) for g in audit.coverage.gaps}
    assert statuses == {
        "long-context": ("partial", 0.5),
        "moe-routing": ("covered", 1.0),
        "chain-of-experts": ("none", 0.0),
        "knowledge-distillation": ("partial", 0.25),
        "quantization": ("none", 0.0),
    }
