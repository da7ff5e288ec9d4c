"""The fault suite (``python -m tests.fault_suite``) as tests: one crawl per fault against a fault-injecting
server on 127.0.0.1, each asserting that the fault was delivered, the crawl survived it, every URL it
touched has an outcome line, no expected article was lost and none was written twice.

The cases, their expectations and the judging all live in ``tests.fault_suite``; a failure message
carries the same evidence the suite prints (outcome lines, server requests, log excerpt).
"""

from __future__ import annotations

import pytest

from tests.fault_suite import CASES, FaultCase, FaultResult, report, run_case


def _evidence(result: FaultResult) -> str:
    return report([result])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_crawl_survives_fault(case: FaultCase, tmp_path) -> None:
    result = run_case(case, tmp_path)
    evidence = _evidence(result)
    assert result.injected, f"the fault was never delivered\n{evidence}"
    assert result.survived, f"the crawl did not survive\n{evidence}"
    assert result.missing_urls == [], f"URLs without an outcome line\n{evidence}"
    assert result.lost == [], f"articles lost\n{evidence}"
    assert result.duplicates == [], f"articles written twice\n{evidence}"
