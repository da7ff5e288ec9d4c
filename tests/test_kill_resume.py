"""SIGKILL at random moments, resume with the same JOBDIR and output: nothing lost, nothing twice.

A short loop of the trials ``python -m tests.kill_resume`` runs 20 of."""

from __future__ import annotations

from crawler.export import repair_torn_tail
from tests.kill_resume import run_trials


def test_killed_crawls_resume_with_every_article_once():
    results = run_trials(trials=4, seed=7)
    assert sum(r.kills for r in results) >= 4
    for result in results:
        assert (result.lost, result.duplicates, result.invalid_lines) == (0, 0, 0)
        assert result.articles == 30


def test_torn_last_line_is_cut(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_bytes(b'{"url": "a"}\n{"url": "b"}\n{"url": "c", "arti')
    assert repair_torn_tail(path) == len(b'{"url": "c", "arti')
    assert path.read_bytes() == b'{"url": "a"}\n{"url": "b"}\n'
    assert repair_torn_tail(path) == 0


def test_torn_only_line_empties_the_file(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_bytes(b'{"url": "a", "x')
    repair_torn_tail(path)
    assert path.read_bytes() == b""
