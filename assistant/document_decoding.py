"""Reading a draft's bytes into text: a file or stdin, size and emptiness checks with one-line
errors, then BOMs, UTF-16, UTF-8, Windows-1252 / Latin-1 and detected encodings.
"""

from __future__ import annotations

import errno
import stat
import sys
from pathlib import Path

from assistant.errors import DocumentError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def _decode(path: str, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DocumentError(path, "invalid UTF-16 text") from None
    if data[:2] == b"\x1f\x8b":
        raise DocumentError(path, "a gzip-compressed file; decompress it first (gunzip)")
    if b"\x00" in data[:8192]:
        unbommed = _utf16_without_bom(data)
        if unbommed is not None:
            return unbommed
        raise DocumentError(path, "binary file, not a text draft")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    western = _western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        raise DocumentError(path, "not UTF-8, and its encoding could not be detected; save it as UTF-8")
    return str(best), best.encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte-order mark (as some Windows editors do): in mostly-Latin text every
    other byte is NUL. Anything else with NUL bytes stays "binary"."""
    head = data[:8192]
    if len(head) < 4 or len(head) % 2:
        return None
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return (text, encoding) if text.isprintable() or "\n" in text else None
    return None


# Non-ASCII characters a Western European text in Windows-1252 / Latin-1 is made of: letters and
# typographic punctuation. "¹", "³" or "¼" in the middle of words mean another code page.
_WESTERN_PUNCT = set("\u00a0¡¢£¤¥§©«®°±·»¿×÷‘’‚“”„–—…•€™‹›†‡‰")


def _western(data: bytes) -> tuple[str, str] | None:
    """Windows-1252 (a superset of Latin-1's printable range) when that reads as plausible text.

    Tried before charset detection, which guesses short Western texts wrongly (cp1250 turns
    "crème brûlée" into "crčme brűlée"; a two-word note comes out as cp1006). Plausible means every
    non-ASCII character is a letter or typographic punctuation, and non-ASCII letters are at most
    a third of the letters (Cyrillic or Greek bytes read as cp1252 are nearly all accented letters).
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned in cp1252
        return None
    letters = accented = 0
    for ch in text:
        if ch.isascii():
            letters += ch.isalpha()
        elif ch.isalpha():
            letters += 1
            accented += 1
        elif ch not in _WESTERN_PUNCT:
            return None
    if not letters or accented * 3 > letters:
        return None
    return text, ("cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1")


def read_source(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Read a file (or stdin for "-") and return (text, encoding), with one-line errors."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        p = Path(path)
        try:
            st = p.stat()  # one stat: it follows the link, and says what the path is
        except PermissionError:
            raise DocumentError(path, "permission denied") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise DocumentError(path, "a symbolic link loop") from None
            if p.is_symlink():
                raise DocumentError(path, "a symbolic link to a file that does not exist") from None
            raise DocumentError(path, "no such file or directory") from None
        if stat.S_ISDIR(st.st_mode):
            raise DocumentError(path, "is a directory")
        if not stat.S_ISREG(st.st_mode):
            # /dev/zero or /dev/urandom (size 0, endless) and FIFOs (block): never read
            raise DocumentError(path, "not a regular file (a device, pipe or socket)")
        if st.st_size > max_bytes:
            size, limit = _mb(st.st_size), _mb(max_bytes)
            if size == limit:  # just over: in megabytes both would read the same
                size, limit = f"{st.st_size:,} bytes", f"{max_bytes:,} bytes"
            raise DocumentError(path, f"too large ({size}; the limit is {limit}, see score.max_file_mb)")
        try:
            with p.open("rb") as handle:
                data = handle.read(max_bytes + 1)  # the cap holds even if the file grows meanwhile
        except PermissionError:
            raise DocumentError(path, "permission denied") from None
        except OSError as exc:
            raise DocumentError(path, f"cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise DocumentError(path, f"too large (over {_mb(max_bytes)}, see score.max_file_mb)")
    if not data.strip():
        raise DocumentError(path, "empty file")
    text, encoding = _decode(path, data)
    if not text.strip():
        raise DocumentError(path, "empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"
