"""One frozen options object for the whole cleaning run (no keyword-argument sprawl, no globals)."""

from __future__ import annotations

from pathlib import Path

import attrs

from cleaners.chrome import ChromeRules

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


@attrs.frozen(kw_only=True)
class CleanOptions:
    """How to clean. The defaults are what the benchmarks measure."""

    rules: ChromeRules = attrs.field(factory=ChromeRules.default)
    max_bytes: int = DEFAULT_MAX_BYTES
    favor_precision: bool = False
    favor_recall: bool = False

    @classmethod
    def with_rules_files(cls, paths: list[str | Path], **kwargs: object) -> CleanOptions:
        rules = ChromeRules.default()
        for path in paths:
            rules = rules.merged(ChromeRules.from_file(path))
        return cls(rules=rules, **kwargs)
