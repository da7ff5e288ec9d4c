"""The command line as a user runs it: a real subprocess, real files, JSONL on stdout."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, fixture_body, fixture_page_info

SEED = FIXTURES / "seed-plain" / "input.html"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaners", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, check=False)


def test_single_file_to_stdout_with_url(validate_record):
    result = run_cli(str(SEED), "--url", "https://mirror.example/copy.html")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    validate_record(record)
    assert record["url"] == "https://mirror.example/copy.html"
    assert record["canonicalUrl"] == "https://dailyledger.example/business/us-japan-alliance-upgrade.html"
    assert record["metadata"]["source"] == str(SEED)
    assert "cleaned 1, not an article 0, failed 0" in result.stderr


def test_glob_and_gzip_inputs(tmp_path, validate_record):
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(fixture_body("seed-plain")))
    (tmp_path / "b.htm").write_bytes(fixture_body("seed-aggregator"))
    (tmp_path / "notes.txt").write_text("not a page")
    result = run_cli(str(tmp_path / "*"), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["metadata"]["source"]).name for r in records] == ["a.html.gz", "b.htm"]
    for record in records:
        validate_record(record)


def test_failure_sets_exit_status_and_is_validated(tmp_path, validate_record):
    (tmp_path / "empty.html").write_bytes(b"")
    result = run_cli(str(tmp_path / "empty.html"))
    assert result.returncode == 1
    record = json.loads(result.stdout)
    validate_record(record)
    assert record == {"error": {"input": str(tmp_path / "empty.html"), "kind": "empty", "message": "the page is empty"}}
    assert "Traceback" not in result.stderr


def test_missing_input_is_a_usage_error_naming_it(tmp_path):
    result = run_cli(str(tmp_path / "nowhere.html"))
    assert result.returncode == 2
    assert "nowhere.html: no such file, folder or glob match" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_file_extends_the_defaults(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[lines]\npatterns = ["readers who want to share .*"]\n')
    result = run_cli(str(SEED), "--rules", str(rules))
    record = json.loads(result.stdout)
    assert "Readers who want to share" not in record["articleBody"]
    assert any(line.startswith("Readers who want to share") for line in record["metadata"]["removedChrome"])


def test_bad_rules_file_is_a_usage_error(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[lines]\nexact = 1\n")
    result = run_cli(str(SEED), "--rules", str(rules))
    assert result.returncode == 2
    assert "rules.toml: 'exact' must be a list of strings" in result.stderr


def test_output_folders_are_created_and_o_appends_while_capital_o_overwrites(tmp_path):
    out = tmp_path / "new" / "folder" / "out.jsonl"
    for flag, lines in (("-o", 1), ("-o", 2), ("-O", 1)):
        result = run_cli(str(SEED), flag, str(out))
        assert result.returncode == 0, result.stderr
        assert len(out.read_text("utf-8").splitlines()) == lines


def test_appending_cuts_a_line_an_interrupted_run_tore(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text('{"url": "https://a.example/1"}\n{"url": "https://a.exa', encoding="utf-8")
    result = run_cli(str(SEED), "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert lines[0]["url"] == "https://a.example/1"
    assert len(lines) == 2


def test_unwritable_output_is_a_usage_error_before_any_cleaning(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_cli(str(SEED), "-o", str(blocker / "out.jsonl"))
    assert result.returncode == 2
    assert "the output cannot be written" in result.stderr and str(blocker) in result.stderr
    assert "Traceback" not in result.stderr
    assert "cleaned" not in result.stderr


def test_jobs_zero_means_one_per_core_and_negative_is_refused():
    assert run_cli(str(SEED), "--jobs", "0").returncode == 0
    refused = run_cli(str(SEED), "--jobs", "-3")
    assert refused.returncode == 2
    assert "--jobs must be 0 (one per core) or more" in refused.stderr


def test_misspelled_rules_key_is_a_usage_error(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[lines]\npattern = ['tip us off']\n")
    result = run_cli(str(SEED), "--rules", str(rules))
    assert result.returncode == 2
    assert "unknown key(s) ['pattern'] in [lines]" in result.stderr


def test_the_news_model_declines_a_guide_the_default_keeps_and_an_unknown_one_is_refused(tmp_path):
    guide = tmp_path / "guide.html"
    guide.write_bytes(fixture_body("wcxb-4252"))
    url = fixture_page_info("wcxb-4252")["url"]
    kept = run_cli(str(guide), "--url", url, "--jobs", "1")
    assert kept.returncode == 0, kept.stderr
    assert "accounting" in json.loads(kept.stdout)["articleBody"]
    news = run_cli(str(guide), "--url", url, "--jobs", "1", "--article-model", "news")
    assert json.loads(news.stdout)["error"]["kind"] == "not-article"
    refused = run_cli(str(guide), "--article-model", "blog")
    assert refused.returncode == 2
    assert "argument --article-model: invalid choice: 'blog' (choose from 'general', 'news')" in refused.stderr


def test_article_threshold_declines_what_the_default_keeps_and_a_bad_one_is_refused():
    stricter = run_cli(str(SEED), "--article-threshold", "0.999", "--jobs", "1")
    assert stricter.returncode == 0, stricter.stderr
    assert json.loads(stricter.stdout)["error"]["kind"] == "not-article"
    assert "under 0.999" in json.loads(stricter.stdout)["error"]["message"]
    refused = run_cli(str(SEED), "--article-threshold", "1.5")
    assert refused.returncode == 2
    assert "'1.5' is not a score between 0 and 1" in refused.stderr
