"""The quality gate: pinned figures that a change may not lower by more than a tolerance.

A baseline file holds the figures of one extractor from a known-good run and the options of
that run (sets, sample, limit), so a gate is only ever compared with a run made the same way.
``python -m benchmarks.quality --write-baseline FILE`` pins; ``--gate FILE`` checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TOLERANCE = 0.005
GATED_EXTRACTOR = "newsclean"


class GateError(ValueError):
    """A gate that cannot be checked (the run lacks the gated extractor)."""


def pinned_figures(report: dict[str, Any], extractor: str = GATED_EXTRACTOR) -> dict[str, float]:
    """The figures a gate watches, by name ("aeb/shingle_f1", "wcxb-dev/headline", ...)."""
    if extractor not in report["extractors"]:
        raise GateError(f"the run has no figures for {extractor}: include it in --extractors")
    figures: dict[str, float] = {}
    for set_name, summary in report["extractors"][extractor]["sets"].items():
        figures[f"{set_name}/shingle_f1"] = summary["shingle"]["f1"]
        figures[f"{set_name}/word_f1"] = summary["word"]["f1"]
        for field, result in summary["metadata"].items():
            if result["accuracy"] is not None:
                figures[f"{set_name}/{field}"] = result["accuracy"]
    return figures


def write_baseline(path: Path, report: dict[str, Any], run_options: dict[str, Any]) -> None:
    baseline = {"extractor": GATED_EXTRACTOR, "run": run_options, "tolerance": TOLERANCE,
                "figures": {name: round(value, 4) for name, value in sorted(pinned_figures(report).items())}}
    path.write_text(json.dumps(baseline, indent=1) + "\n", encoding="utf-8")


def check(path: Path, report: dict[str, Any], run_options: dict[str, Any]) -> list[str]:
    """Every way the run falls short of the baseline; empty when the gate passes."""
    baseline = json.loads(path.read_text("utf-8"))
    if baseline["run"] != run_options:
        return [f"{path} was pinned with {baseline['run']}, this run used {run_options}: run it the same way"]
    current = pinned_figures(report, baseline["extractor"])
    tolerance = baseline.get("tolerance", TOLERANCE)
    failures = []
    for name, pinned in baseline["figures"].items():
        value = current.get(name)
        if value is None:
            failures.append(f"{name}: pinned at {pinned:.4f}, missing from this run")
        elif value < pinned - tolerance:
            failures.append(f"{name}: {value:.4f}, below the pinned {pinned:.4f} by more than {tolerance}")
    return failures
