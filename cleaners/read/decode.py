"""Bytes to text, in the order browsers trust: BOM, HTTP charset, ``<meta charset>``, detection.

A declared charset is only believed when the bytes decode under it without error, and a
single-byte declaration (latin-1, cp1252...) loses to UTF-8 when the bytes are valid UTF-8
with non-ASCII characters: such sequences are practically never accidental, while a wrong
``<meta charset>`` left over from an old template is common.

Some pages are stored already garbled: UTF-8 that went once through a latin-1 or cp1252
decoder upstream ("donâ€™t", "nÃ£o"), then re-encoded as valid UTF-8. No charset choice can
undo that, so text that shows several such sequences is repaired with ftfy.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import ftfy
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

from cleaners.errors import CleaningError, FailureKind

_SNIFF_BYTES = 4096
# Every byte but the controls text never holds (below tab, and between carriage return and space).
_NOT_CONTROL_BYTES = bytes(byte for byte in range(256) if not (byte < 9 or 13 < byte < 32))
_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"OggS",
    b"ID3",
    b"\x7fELF",
)


_SINGLE_BYTE = {
    codecs.lookup(name).name
    for name in ("latin-1", "cp1252", "ascii", "iso8859-15", "cp1251", "iso8859-2", "cp1250", "koi8-r")
}


# The first character of a UTF-8 sequence read as latin-1/cp1252 ("Ã", "Â", "â"), followed by
# what a continuation byte becomes under either decoder.
_MOJIBAKE = re.compile("[ÂÃâ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_MOJIBAKE_LEADS = ("Â", "Ã", "â")
# One or two such pairs are as likely a page quoting mojibake, or a language menu, as garbling.
_MOJIBAKE_MIN_SEQUENCES = 3
# What ends a run of text that is repaired as one: markup and line breaks.
_RUN_BOUNDS = ("<", ">", "\n")
# How far from a garbled sequence its run may reach (a script's data can run for megabytes).
_MAX_RUN_REACH = 100


def repair_mojibake(text: str) -> str:
    """Undo double encoding when the text shows it; text without such sequences is returned as is.

    Only the runs of text that hold a garbled sequence are given to ftfy (see ``_run_around``):
    ftfy costs about a microsecond a character, seconds on a page of megabytes, and a page garbled
    in its story need not be repaired in its scripts' data."""
    if not any(lead in text for lead in _MOJIBAKE_LEADS):  # a substring search, far cheaper than the pattern
        return text
    sequences = list(_MOJIBAKE.finditer(text))
    if len(sequences) < _MOJIBAKE_MIN_SEQUENCES:
        return text
    pieces: list[str] = []
    done = 0
    for sequence in sequences:
        if sequence.start() < done:  # inside the run just repaired
            continue
        start, end = _run_around(text, *sequence.span())
        start = max(start, done)
        pieces += [text[done:start], ftfy.fix_encoding(text[start:end])]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _run_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The run of text around a garbled sequence: up to the markup or line break on each side,
    else the farthest space within reach, else the reach itself (every search is bounded, so a
    page of megabytes with a thousand sequences costs milliseconds)."""
    low, high = max(0, start - _MAX_RUN_REACH), min(len(text), end + _MAX_RUN_REACH)
    before = max(text.rfind(mark, low, start) for mark in _RUN_BOUNDS)
    if before < 0:
        before = text.find(" ", low, start)
    after = min((found for mark in _RUN_BOUNDS if (found := text.find(mark, end, high)) >= 0), default=-1)
    if after < 0:
        after = text.rfind(" ", end, high)
    return (before + 1 if before >= 0 else low), (after if after >= 0 else high)


def _is_single_byte(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _SINGLE_BYTE
    except LookupError:
        return False


def looks_binary(body: bytes) -> bool:
    """A file signature, or NUL and control bytes where text would have none."""
    if body.startswith(_BINARY_SIGNATURES):
        return True
    head = body[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = len(head.translate(None, _NOT_CONTROL_BYTES))
    return controls > len(head) * 0.05


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return the page's text, repaired if it was garbled upstream, and the encoding it was read with."""
    text, encoding = read_text(body, content_type)
    return repair_mojibake(text), encoding


def read_text(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page's text as its bytes say (no repair), and the encoding it was read with."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        text = _strict(body[len(bom) :], bom_encoding)
        if text is not None:
            return text, resolve_encoding(bom_encoding) or bom_encoding
    declared = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body[:_SNIFF_BYTES * 4]),
    ]
    for encoding in filter(None, declared):
        resolved = resolve_encoding(encoding) or encoding
        if _is_single_byte(resolved) and not body.isascii():
            as_utf8 = _strict(body, "utf-8")
            if as_utf8 is not None:
                return as_utf8, "utf-8"
        text = _strict(body, resolved)
        if text is not None:
            return text, resolved
    as_utf8 = _strict(body, "utf-8")
    if as_utf8 is not None:
        return as_utf8, "utf-8"
    best = charset_normalizer.from_bytes(body[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise CleaningError(FailureKind.UNDECODABLE, "no character encoding decodes this page")
    return body.decode(best.encoding, errors="replace"), best.encoding
