"""A look at a workbook file before a reader parses it: refuse hostile or broken files fast, in bounded memory.

:func:`check_workbook_file` reads only the file's first bytes, the zip directory and the first bytes of
each XML part. It refuses, each with a one-line :class:`~dnqp.errors.DataError`:

- an encrypted (password-protected) workbook, or an Excel 97–2003 ``.xls`` (both are OLE compound files);
- a file that is not a zip (a CSV or text file renamed to ``.xlsx``), or a truncated or damaged one;
- a zip that is not an Excel workbook (no ``[Content_Types].xml`` or no workbook part; ``.xlsb``, ``.ods``);
- a zip bomb: parts that inflate beyond :data:`MAX_UNCOMPRESSED` in all or :data:`MAX_PART` each, or are
  compressed more than :data:`MAX_RATIO` times (zipfile never inflates a part beyond the size its directory
  declares, so checking the declared sizes is enough);
- an XML part with a document type declaration (``<!DOCTYPE``): the carrier of entity bombs ("billion
  laughs") and external entities. Excel never writes one. openpyxl also parses with ``defusedxml``
  (a dependency of dnqp), which refuses entity declarations, as a second line.

The sheets themselves are then read row by row, at most :data:`MAX_ROWS` rows and :data:`MAX_CELLS` cells
per sheet (:func:`dnqp.workbook.reader.read_grids`, with python-calamine).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from ..errors import DataError

__all__ = ["check_workbook_file", "MAX_FILE_BYTES", "MAX_UNCOMPRESSED", "MAX_PART", "MAX_RATIO", "MAX_ENTRIES",
           "MAX_ROWS", "MAX_CELLS", "ENCRYPTED"]

#: Largest workbook file accepted (bytes on disk).
MAX_FILE_BYTES = 100 * 2**20
#: Largest sum of the parts' inflated sizes.
MAX_UNCOMPRESSED = 200 * 2**20
#: Largest inflated size of one part (openpyxl holds the shared strings and styles in memory).
MAX_PART = 100 * 2**20
#: Largest compression ratio of a part bigger than 1 MB (deflate's own limit is about 1032).
MAX_RATIO = 500
#: Most parts in the zip.
MAX_ENTRIES = 10_000
#: Most rows, and cells, read from one sheet.
MAX_ROWS = 100_000
MAX_CELLS = 4_000_000

ENCRYPTED = "the workbook is encrypted (password-protected): save an unprotected copy and use that"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROLOG = 64 * 1024
_START_TAG = re.compile(r"<[A-Za-z_]")


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def _ole_message(path: Path) -> str:
    """An OLE compound file: an encrypted OOXML workbook (it has an EncryptionInfo stream) or a legacy file."""
    needle = "EncryptionInfo".encode("utf-16-le")
    with open(path, "rb") as f:
        tail = b""
        while chunk := f.read(1 << 20):
            if needle in tail + chunk:
                return ENCRYPTED
            tail = chunk[-len(needle):]
    return ("is an Excel 97–2003 .xls file (or another OLE compound file, possibly password-protected), not .xlsx: "
            "open it in Excel and save it as an unprotected Excel Workbook (.xlsx)")


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start > len(head) - 4  # a character cut at the end of the sample
    return True


def _prolog_text(head: bytes) -> str:
    """The start of an XML part as text, whatever its encoding (UTF-8 or UTF-16, as expat reads)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("latin-1")


def _has_doctype(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part declares a DTD before its root element (read at most 64 KB of it)."""
    with z.open(info) as f:
        head = f.read(_PROLOG)
    text = _prolog_text(head)
    m = _START_TAG.search(text)
    prolog = text[:m.start()] if m else text
    return "<!DOCTYPE" in prolog or "<!ENTITY" in prolog


def check_workbook_file(path: str | os.PathLike) -> None:
    """Refuse a file that is not a sound, reasonably sized .xlsx workbook (see the module's docstring)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DataError(f"{path}: is a folder, not a workbook")
        with open(path, "rb") as f:
            head = f.read(4096)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror or type(err).__name__})") from None
    if head.startswith(_OLE):
        raise DataError(f"{path}: {_ole_message(path)}")
    if size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes), not an .xlsx workbook")
    if size > MAX_FILE_BYTES:
        raise DataError(f"{path}: the file is {_mb(size)}, more than the {_mb(MAX_FILE_BYTES)} a dnqp workbook may "
                        "be: keep the template's tables in a workbook of their own")
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK\x03\x04"):
            raise DataError(f"{path}: the workbook is truncated or damaged (its end is missing): use a complete copy")
        if _looks_like_text(head):
            raise DataError(f"{path}: is a text file (a CSV?), not an Excel .xlsx workbook: open it in Excel and "
                            "save it as Excel Workbook (.xlsx)")
        raise DataError(f"{path}: not an Excel .xlsx workbook")
    try:
        with zipfile.ZipFile(path) as z:
            _check_zip(path, z)
    except DataError:
        raise
    # RuntimeError: zipfile's "encrypted, password required" and (its subclass) an unsupported compression.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, RuntimeError) as err:
        raise DataError(f"{path}: the workbook is damaged ({type(err).__name__}): use a complete copy") from None


def _check_zip(path: Path, z: zipfile.ZipFile) -> None:
    infos = z.infolist()
    if len(infos) > MAX_ENTRIES:
        raise DataError(f"{path}: the file has {len(infos):,} parts, more than an Excel workbook needs "
                        f"({MAX_ENTRIES:,}): refused")
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise DataError(f"{path}: is an Excel binary workbook (.xlsb): save it as Excel Workbook (.xlsx)")
    if "mimetype" in names and "content.xml" in names:
        raise DataError(f"{path}: is an OpenDocument file (.ods), not .xlsx: save it as Excel Workbook (.xlsx)")
    if "[Content_Types].xml" not in names or not any(re.fullmatch(r"xl/[^/]*workbook[^/]*\.xml", n) for n in names):
        raise DataError(f"{path}: is a zip file but not an Excel workbook (it has no workbook part)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise DataError(f"{path}: {ENCRYPTED}")
        total += info.file_size
        if info.file_size > MAX_PART or total > MAX_UNCOMPRESSED:
            raise DataError(f"{path}: the part {info.filename} inflates to {_mb(info.file_size)} (the parts "
                            f"{_mb(total)} so far), beyond the {_mb(MAX_PART)} per part and {_mb(MAX_UNCOMPRESSED)} "
                            "in all that dnqp reads: a zip bomb, or far more than the template's tables")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DataError(f"{path}: the part {info.filename} is compressed "
                            f"{info.file_size / max(info.compress_size, 1):,.0f} times, which no spreadsheet is: "
                            "refused as a zip bomb")
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_doctype(z, info):
            raise DataError(f"{path}: the part {info.filename} declares a DTD (<!DOCTYPE …>), which Excel never "
                            "writes: refused (an XML entity bomb or external-entity attack)")
