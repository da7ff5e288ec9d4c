"""Articles as one Parquet file, losing none to a kill.

A Parquet file is readable only once its footer is written, at the very end; a writer killed before
that leaves nothing a reader can open. So the file is built in three stages, each safe to stop:

1. every record is appended to a JSON Lines journal, flushed per record (``FILE.parts/pending-N.jsonl``);
2. every ``row_group_rows`` records the journal becomes a complete Parquet file of one row group
   (``FILE.parts/part-N.parquet``, written under a temporary name and renamed), and that journal is
   deleted; ``FILE.parts/`` is a Parquet dataset that pyarrow, DuckDB or Spark read while the crawl
   runs;
3. at the end the parts (after the existing file's row groups, when appending) are copied into
   ``FILE`` row group by row group, under a temporary name that replaces ``FILE`` when complete.

A writer killed at any point leaves every record it was given in one of those places, once: the
next writer for the same file (or ``newsclean finish FILE``) turns a left journal into a part,
drops a journal whose part was already written, and completes an interrupted final copy.

Columns follow ``article.schema.json``: authors a list of ``{name}`` structs, keywords and
``metadata.removedChrome`` lists of strings, ``mainImage`` and ``metadata`` structs. Dates stay ISO
strings, since some are a day with no time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleaners.article import article_schema
from cleaners.write.jsonl import repair_torn_tail

ROW_GROUP_ROWS = 1000
"""Records per row group (and per part file): about 5 MB of articles."""

_PART = re.compile(r"^(part|pending)-(\d{6})\.(parquet|jsonl)$")


def _arrow_type(spec: dict[str, Any], definitions: dict[str, Any]) -> pa.DataType:
    if "$ref" in spec:
        return _arrow_type(definitions[spec["$ref"].rsplit("/", 1)[-1]], definitions)
    kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    kind = next(k for k in kinds if k != "null")
    if kind == "string":
        return pa.string()
    if kind == "array":
        return pa.list_(_arrow_type(spec["items"], definitions))
    if kind == "object":
        return pa.struct(_fields(spec, definitions))
    raise ValueError(f"no Parquet type for JSON Schema type {kind!r}")


def _nullable(spec: dict[str, Any], definitions: dict[str, Any]) -> bool:
    if "$ref" in spec:
        return _nullable(definitions[spec["$ref"].rsplit("/", 1)[-1]], definitions)
    kinds = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
    return "null" in kinds


def _fields(spec: dict[str, Any], definitions: dict[str, Any]) -> list[pa.Field]:
    required = set(spec.get("required", ()))
    return [pa.field(name, _arrow_type(child, definitions),
                     nullable=name not in required or _nullable(child, definitions))
            for name, child in spec["properties"].items()]


def parquet_schema() -> pa.Schema:
    """The article's Arrow schema, derived from the published JSON Schema so the two cannot drift."""
    definitions = article_schema()["$defs"]
    return pa.schema(_fields(definitions["Article"], definitions))


class NotParquet(ValueError):
    """An existing output that records cannot be added to."""


def check_appendable(path: Path) -> None:
    """Raise ``NotParquet`` naming ``path`` when it holds something other than Parquet articles:
    found before a crawl or a batch starts, not when it ends."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        found = pq.read_schema(path)
    except (pa.ArrowException, OSError) as error:
        raise NotParquet(f"{path} exists and is not a Parquet file ({error}); use -O to replace it") from error
    missing = [name for name in parquet_schema().names if name not in found.names]
    if missing:
        raise NotParquet(f"{path} is a Parquet file without the article columns {', '.join(missing)}; "
                         "use -O to replace it")


def _serial(path: Path) -> int:
    match = _PART.match(path.name)
    return int(match.group(2)) if match else -1


class ParquetArticles:
    """Writes article records (the cleaners' dicts) into ``path``; see the module's docstring.

    ``overwrite`` starts the file afresh (``-O``); otherwise records are added after the ones it
    holds (``-o``), which costs one copy of the existing file when the writer closes.
    """

    def __init__(self, path: Path, *, overwrite: bool = False, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self.path = path
        self.parts = path.with_name(path.name + ".parts")
        self.overwrite = overwrite
        self.row_group_rows = max(1, row_group_rows)
        self.schema = parquet_schema()
        self._rows: list[dict[str, Any]] = []
        self._journal: IO[str] | None = None
        self._serial = 0
        self.written = 0

    def open(self) -> None:
        if self.overwrite:
            shutil.rmtree(self.parts, ignore_errors=True)
            shutil.rmtree(_merged(self.path), ignore_errors=True)
            self.path.unlink(missing_ok=True)
        else:
            finish_interrupted(self.path, merge=False)
        self.parts.mkdir(parents=True, exist_ok=True)
        self._serial = max((_serial(p) for p in self.parts.iterdir()), default=0) + 1
        self._journal = self._journal_path().open("a", encoding="utf-8")

    def _journal_path(self) -> Path:
        return self.parts / f"pending-{self._serial:06d}.jsonl"

    def write(self, record: dict[str, Any]) -> None:
        if self._journal is None:
            self.open()
        assert self._journal is not None
        self._journal.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._journal.flush()
        self._rows.append(record)
        self.written += 1
        if len(self._rows) >= self.row_group_rows:
            self._seal_part()

    def _seal_part(self) -> None:
        """The journal's records become ``part-N.parquet``; the next records start journal N+1."""
        assert self._journal is not None
        self._journal.close()
        if self._rows:
            _write_part(pa.Table.from_pylist(self._rows, schema=self.schema), self.parts, self._serial)
        self._journal_path().unlink(missing_ok=True)
        self._rows = []
        self._serial += 1
        self._journal = self._journal_path().open("a", encoding="utf-8")

    def close(self) -> None:
        """Seal the last part and copy everything into ``path``."""
        if self._journal is None:
            self.open()
        self._seal_part()
        assert self._journal is not None
        self._journal.close()
        self._journal_path().unlink(missing_ok=True)
        self._journal = None
        _merge(self.path, self.schema)


def _write_part(table: pa.Table, parts: Path, serial: int) -> None:
    final = parts / f"part-{serial:06d}.parquet"
    temporary = final.with_name(final.name + ".tmp")
    pq.write_table(table, temporary, row_group_size=max(1, table.num_rows))
    with temporary.open("rb") as written:
        os.fsync(written.fileno())
    os.replace(temporary, final)


def _merged(path: Path) -> Path:
    """The parts folder, renamed once its contents are in the complete temporary file."""
    return path.with_name(path.name + ".parts.merged")


def _temporary(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _merge(path: Path, schema: pa.Schema) -> None:
    """Existing row groups, then every part, into a temporary file that replaces ``path``. The
    parts folder is renamed ``.parts.merged`` before the replace, so a kill can never merge it twice."""
    parts = path.with_name(path.name + ".parts")
    temporary = _temporary(path)
    with pq.ParquetWriter(temporary, schema) as writer:
        if path.is_file() and path.stat().st_size:
            existing = pq.ParquetFile(path)
            for group in range(existing.num_row_groups):
                writer.write_table(existing.read_row_group(group).cast(schema))
        for part in sorted(parts.glob("part-*.parquet"), key=_serial):
            writer.write_table(pq.read_table(part, schema=schema))
    with temporary.open("rb") as written:
        os.fsync(written.fileno())
    os.replace(parts, _merged(path))
    os.replace(temporary, path)
    shutil.rmtree(_merged(path))


def finish_interrupted(path: Path, *, merge: bool = True) -> int:
    """Put what a killed writer left back in order; with ``merge``, also copy the parts into
    ``path``. Returns how many records were recovered from journals."""
    parts, merged, temporary = path.with_name(path.name + ".parts"), _merged(path), _temporary(path)
    if merged.exists():  # killed after the complete copy was made: finish its replace
        if temporary.exists():
            os.replace(temporary, path)
        shutil.rmtree(merged)
    temporary.unlink(missing_ok=True)
    recovered = 0
    if parts.is_dir():
        schema = parquet_schema()
        for stale in parts.glob("*.tmp"):
            stale.unlink()
        sealed = {_serial(p) for p in parts.glob("part-*.parquet")}
        for journal in sorted(parts.glob("pending-*.jsonl"), key=_serial):
            if _serial(journal) not in sealed:
                repair_torn_tail(journal)
                rows = list(_journal_records(journal))
                if rows:
                    _write_part(pa.Table.from_pylist(rows, schema=schema), parts, _serial(journal))
                    recovered += len(rows)
            journal.unlink()
        if merge:
            _merge(path, schema)
    return recovered


def _journal_records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def read_articles(path: Path, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every record written to ``path`` so far, finished or not: the file, its parts and journals
    (for the crawl's index of what is already collected)."""
    parts = path.with_name(path.name + ".parts")
    files = [path] if path.is_file() and path.stat().st_size else []
    files += sorted(parts.glob("part-*.parquet"), key=_serial) if parts.is_dir() else []
    for file in files:
        yield from pq.read_table(file, columns=columns).to_pylist()
    if parts.is_dir():
        for journal in sorted(parts.glob("pending-*.jsonl"), key=_serial):
            with journal.open(encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    try:
                        yield json.loads(line)
                    except ValueError:
                        continue  # a line torn by a kill


def finish_command(arguments: list[str]) -> int:
    """``newsclean finish FILE.parquet...``: complete Parquet outputs a killed writer left."""
    if not arguments or arguments[0] in ("-h", "--help"):
        print("usage: newsclean finish FILE.parquet...\n\n  complete Parquet outputs that a killed crawl or "
              "clean left unfinished (their FILE.parquet.parts folder)", file=sys.stdout if arguments else sys.stderr)
        return 0 if arguments else 2
    status = 0
    for name in arguments:
        path = Path(name)
        leftovers = [p for p in (path.with_name(path.name + ".parts"), _merged(path)) if p.exists()]
        if not leftovers:
            print(f"{path}: nothing to finish", file=sys.stderr)
            status = status or (0 if path.is_file() else 1)
            continue
        try:
            recovered = finish_interrupted(path)
        except (OSError, pa.ArrowException, ValueError) as error:
            print(f"{path}: cannot be finished ({error})", file=sys.stderr)
            status = 1
            continue
        rows = pq.read_metadata(path).num_rows
        print(f"{path}: finished, {rows} records ({recovered} recovered from the journal)", file=sys.stderr)
    return status
