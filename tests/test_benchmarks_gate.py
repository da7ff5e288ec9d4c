"""The quality gate fails on a drop beyond the tolerance, and only compares like with like."""

from __future__ import annotations

import pytest

from benchmarks import gate


def _report(f1: float, headline: float | None = 0.9) -> dict:
    metadata = {"headline": {"accuracy": headline, "correct": 0, "total": 0}}
    summary = {"shingle": {"f1": f1}, "word": {"f1": f1}, "metadata": metadata}
    return {"extractors": {"newsclean": {"sets": {"aeb": summary}}}}


RUN = {"sets": ["aeb"], "sample": 10, "limit": None}


def test_small_drop_passes_and_large_drop_fails(tmp_path):
    baseline = tmp_path / "baseline.json"
    gate.write_baseline(baseline, _report(0.96), RUN)
    assert gate.check(baseline, _report(0.956), RUN) == []
    failures = gate.check(baseline, _report(0.95), RUN)
    assert failures == ["aeb/shingle_f1: 0.9500, below the pinned 0.9600 by more than 0.005",
                        "aeb/word_f1: 0.9500, below the pinned 0.9600 by more than 0.005"]


def test_missing_figure_fails(tmp_path):
    baseline = tmp_path / "baseline.json"
    gate.write_baseline(baseline, _report(0.96), RUN)
    assert gate.check(baseline, _report(0.96, headline=None), RUN) == [
        "aeb/headline: pinned at 0.9000, missing from this run"]


def test_run_made_differently_is_refused(tmp_path):
    baseline = tmp_path / "baseline.json"
    gate.write_baseline(baseline, _report(0.96), RUN)
    [failure] = gate.check(baseline, _report(0.99), {**RUN, "sample": 20})
    assert "run it the same way" in failure


def test_run_without_the_gated_extractor_is_an_error():
    with pytest.raises(gate.GateError, match="include it in --extractors"):
        gate.pinned_figures({"extractors": {}})
