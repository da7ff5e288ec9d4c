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


def repair_mojibake(text: str) -> str:
    """Undo double encoding when the text shows it; text without such sequences is returned as is."""
    if not any(lead in text for lead in _MOJIBAKE_LEADS):  # a substring search, far cheaper than the pattern
        return text
    sequences = _MOJIBAKE.finditer(text)
    if sum(1 for _, _ in zip(range(_MOJIBAKE_MIN_SEQUENCES), sequences, strict=False)) < _MOJIBAKE_MIN_SEQUENCES:
        return text
    return ftfy.fix_encoding(text)


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
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
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
