"""SIGKILL at random moments, resume with the same JOBDIR and output: nothing lost, nothing twice,
no process left behind, in every input mode.

A short loop of the trials ``python -m tests.kill_resume`` runs 20 of per mode."""

from __future__ import annotations

import pytest

from cleaners.write.jsonl import repair_torn_tail
from tests.kill_resume import ARTICLES, MODES, run_trials


@pytest.mark.parametrize("mode", MODES)
def test_killed_crawls_resume_with_every_article_once(mode):
    results = run_trials(trials=2, seed=7, modes=(mode,))
    assert sum(r.kills for r in results) >= 1, "no run was killed: the crawl outran every kill"
    for result in results:
        assert (result.lost, result.duplicates, result.invalid_lines) == (0, 0, 0), result
        assert result.orphans == 0, f"{result.orphans} processes outlived a killed crawl by 5 s"
        assert result.archive_faults == 0, "every WARC file finished and readable, every article archived"
        assert result.articles == ARTICLES


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
