"""The frontier journal: what a job discovered survives a kill, torn last line included."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.frontier import Discovered, FrontierJournal


def test_entries_replay_in_order_with_their_fields(tmp_path):
    journal = FrontierJournal.in_job(str(tmp_path))
    assert journal is not None
    listed = datetime(2024, 1, 5, 9, tzinfo=UTC)
    entries = [Discovered(url="http://a.example/s/1", site=0, callback="parse_page", depth=1, listing=True),
               Discovered(url="http://a.example/n/2", site=1, callback="parse_page", depth=2, listed=listed),
               Discovered(url="http://a.example/n/3", site=0, refused="outside-date-window")]
    for entry in entries:
        journal.add(entry)
    journal.close()
    assert list(FrontierJournal.in_job(str(tmp_path)).replay()) == entries


def test_a_line_torn_by_a_kill_is_dropped_and_cut(tmp_path):
    journal = FrontierJournal.in_job(str(tmp_path))
    journal.add(Discovered(url="http://a.example/1", site=0, callback="parse_page"))
    journal.close()
    with journal.path.open("a") as stream:
        stream.write('{"url": "http://a.example/2", "si')
    assert [e.url for e in journal.replay()] == ["http://a.example/1"]
    assert journal.path.read_text().endswith("\n")


def test_no_job_directory_no_journal():
    assert FrontierJournal.in_job(None) is None
