"""Hostile and broken workbook files: `dnqp check`/`run` refuse each within seconds and bounded memory.

Every file is refused with exit code 2 and one line on stderr, no traceback. The CLI runs in a child
process whose peak RSS is taken from ``os.wait4`` (that child's own rusage, not the max over all children).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dnqp.workbook import safety as filecheck

SECONDS = 10  # a generous guard: the refusals measured take well under 2 s
MEGABYTES = 500

BOMB_DTD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
            + "]>\n")


# The child is started by a lean Python that only waits for it: Linux keeps a process's peak RSS across
# fork and exec, so a child forked straight from pytest would report pytest's own peak.
_WAIT = """
import json, os, subprocess, sys, time
t0 = time.monotonic()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([os.waitstatus_to_exitcode(status), time.monotonic() - t0, usage.ru_maxrss], f)
"""


def cli(*args, cwd):
    """Run ``dnqp *args`` in a child process: (exit code, stdout, stderr, seconds, peak RSS in MB)."""
    stats = Path(cwd).parent / f"{Path(cwd).name}.rusage.json"
    proc = subprocess.run([sys.executable, "-c", _WAIT, str(stats), sys.executable, "-m", "dnqp.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)
    code, seconds, maxrss = json.loads(stats.read_text())
    stats.unlink()
    peak = maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    return code, proc.stdout, proc.stderr, seconds, peak


def rewrite(src: Path, dst: Path, replace: dict[str, bytes | None], extra=()) -> Path:
    """A copy of the workbook ``src`` with some parts replaced (None: left out)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    zout.writestr(info.filename, replace[info.filename])
            else:
                zout.writestr(info, zin.read(info))
        for name, data in extra:
            zout.writestr(name, data)
    return dst


def data_sheet(path: Path) -> str:
    """The part name of the Data sheet (the template's sheets are Guide, Indicators, Data, …, in order)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        assert wb.sheetnames[2] == "Data"
    finally:
        wb.close()
    return "xl/worksheets/sheet3.xml"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, _sample_master) -> dict[str, Path]:
    """Every hostile or broken file, built once (the zip bomb takes a few seconds to compress)."""
    d = tmp_path_factory.mktemp("hostile")
    sample = _sample_master
    files = {}
    with zipfile.ZipFile(sample) as z:
        shared = z.read("xl/sharedStrings.xml").decode()
        sheet = z.read(data_sheet(sample)).decode()
    # Billion laughs: 10^9 "lol"s from a few hundred bytes, in the shared strings and in a sheet.
    bomb_strings = BOMB_DTD + shared[shared.index("<sst"):].replace("<t>Code</t>", "<t>&lol9;</t>", 1)
    files["entity bomb (sharedStrings)"] = rewrite(sample, d / "lol_strings.xlsx",
                                                   {"xl/sharedStrings.xml": bomb_strings.encode()})
    bomb_sheet = BOMB_DTD + sheet[sheet.index("<worksheet"):].replace("<v>", "<v>&lol9;", 1)
    files["entity bomb (sheet)"] = rewrite(sample, d / "lol_sheet.xlsx", {data_sheet(sample): bomb_sheet.encode()})
    # Zip bomb: the Data sheet inflates to 1 GiB, streamed from a generator, never held in memory.
    zb = d / "zipbomb.xlsx"
    rewrite(sample, zb, {data_sheet(sample): None})
    with zipfile.ZipFile(zb, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            z.open(data_sheet(sample), "w", force_zip64=True) as f:
        f.write(sheet[:sheet.index("<sheetData>") + len("<sheetData>")].encode())
        chunk = b"<row/>" * (2**20 // 6)
        for _ in range(2**30 // len(chunk) + 1):
            f.write(chunk)
    files["zip bomb (1 GiB sheet)"] = zb
    # A million rows in the Data sheet (about 50 MB inflated: under the size caps, over the row cap).
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 1_000_001))
    big = sheet[:sheet.index("<sheetData>")] + f"<sheetData>{rows}</sheetData>" + sheet[sheet.index("</sheetData>")
                                                                                     + len("</sheetData>"):]
    files["a million rows"] = rewrite(sample, d / "million.xlsx", {data_sheet(sample): big.encode()})
    last = sheet.replace("</sheetData>", '<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>')
    files["a cell in the last row"] = rewrite(sample, d / "lastrow.xlsx", {data_sheet(sample): last.encode()})
    wide = sheet.replace("</sheetData>", "".join(f'<row r="{200 + i}"><c r="XFD{200 + i}"><v>1</v></c></row>'
                                                 for i in range(100)) + "</sheetData>")
    files["cells in column XFD"] = rewrite(sample, d / "wide.xlsx", {data_sheet(sample): wide.encode()})
    # Not workbooks, or broken ones.
    (d / "data.xlsx").write_text("Year,A1,A2\n2010,1,2\n2011,3,4\n", encoding="utf-8")
    files["CSV renamed"] = d / "data.xlsx"
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + bytes(3584))
    ole[512:512 + 16] = "Workbook".encode("utf-16-le")
    (d / "legacy.xlsx").write_bytes(bytes(ole))
    files[".xls renamed"] = d / "legacy.xlsx"
    files["encrypted"] = encrypted(sample, d / "encrypted.xlsx")
    data = sample.read_bytes()
    (d / "truncated.xlsx").write_bytes(data[:len(data) // 2])
    files["truncated"] = d / "truncated.xlsx"
    (d / "empty.xlsx").write_bytes(b"")
    files["empty"] = d / "empty.xlsx"
    files["a zip, not a workbook"] = rewrite(sample, d / "docx.xlsx", {"xl/workbook.xml": None})
    return files


def encrypted(sample: Path, dst: Path) -> Path:
    """A real password-protected workbook (msoffcrypto-tool), or a crafted OLE file with its EncryptionInfo."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        blob = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
        blob[1024:1024 + 28] = "EncryptionInfo".encode("utf-16-le")
        dst.write_bytes(bytes(blob))
        return dst
    with open(sample, "rb") as f, open(dst, "wb") as out:
        OOXMLFile(f).encrypt("secret", out)
    return dst


EXPECTED = {
    "entity bomb (sharedStrings)": "declares a DTD",
    "entity bomb (sheet)": "declares a DTD",
    "zip bomb (1 GiB sheet)": "the part xl/worksheets/sheet3.xml inflates to 1,0",
    "a million rows": "the sheet Data has more than 100,000 rows",
    "a cell in the last row": "the sheet Data has more than 100,000 rows",
    "cells in column XFD": f"the sheet Data has more than 100,000 rows or {filecheck.MAX_CELLS:,} cells",
    "CSV renamed": "is a text file (a CSV?), not an Excel .xlsx workbook",
    ".xls renamed": "is an Excel 97–2003 .xls file",
    "encrypted": "the workbook is encrypted (password-protected): save an unprotected copy",
    "truncated": "the workbook is truncated or damaged",
    "empty": "the file is empty",
    "a zip, not a workbook": "is a zip file but not an Excel workbook",
}

@pytest.mark.parametrize("kind", list(EXPECTED))
def test_hostile_file_refused_fast_in_bounded_memory(hostile, kind, tmp_path):
    path = hostile[kind]
    assert path.stat().st_size < 10 * 2**20  # small on disk, whatever it inflates to
    before = path.read_bytes()
    for command in (["check", path], ["run", "-q", path, "-o", tmp_path / "r.xlsx"]):
        code, out, err, seconds, peak = cli(*command, cwd=tmp_path)
        assert code == 2, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"dnqp: {path}: ") and EXPECTED[kind] in lines[0], err
        assert "Traceback" not in err and out == ""
        assert seconds < SECONDS, f"{kind}: {seconds:.1f} s"
        assert peak < MEGABYTES, f"{kind}: peak RSS {peak:.0f} MB"
    assert path.read_bytes() == before and not (tmp_path / "r.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_zip_bomb_really_inflates_to_a_gigabyte(hostile):
    with zipfile.ZipFile(hostile["zip bomb (1 GiB sheet)"]) as z:
        info = z.getinfo("xl/worksheets/sheet3.xml")
    assert info.file_size >= 2**30 and info.compress_size < 5 * 2**20


def test_openpyxl_parses_with_defusedxml(hostile):
    """The second line of defence: openpyxl itself refuses entity declarations when defusedxml is installed."""
    from defusedxml import EntitiesForbidden

    assert openpyxl.DEFUSEDXML
    for kind in ("entity bomb (sheet)", "entity bomb (sharedStrings)"):
        with pytest.raises(ValueError) as info:
            wb = openpyxl.load_workbook(hostile[kind], read_only=True)
            list(wb["Data"].iter_rows(values_only=True))
        err = info.value
        while not isinstance(err, EntitiesForbidden):  # openpyxl may wrap it in its own ValueError
            err = err.__cause__ or err.__context__


def test_entity_bomb_caught_even_if_the_dtd_is_hidden_from_the_prolog_scan(hostile, tmp_path, monkeypatch, capsys):
    """With the DOCTYPE scan switched off, defusedxml (inside openpyxl) still refuses, with a one-line message."""
    from dnqp.cli import main

    monkeypatch.setattr(filecheck, "_has_doctype", lambda z, info: False)
    for kind in ("entity bomb (sheet)", "entity bomb (sharedStrings)"):
        assert main(["check", str(hostile[kind])]) == 2
        err = capsys.readouterr().err
        assert "declares entities, which Excel never writes" in err and len(err.strip().splitlines()) == 1


def test_utf16_dtd_is_seen(tmp_path, _sample_master):
    with zipfile.ZipFile(_sample_master) as z:
        shared = z.read("xl/sharedStrings.xml").decode()
    body = BOMB_DTD.replace('encoding="UTF-8"', 'encoding="UTF-16"') + shared[shared.index("<sst"):]
    bad = rewrite(_sample_master, tmp_path / "u16.xlsx", {"xl/sharedStrings.xml": b"\xff\xfe" + body.encode("utf-16-le")})
    with pytest.raises(Exception, match="declares a DTD"):
        filecheck.check_workbook_file(bad)


def test_compression_ratio_and_part_caps(tmp_path, _sample_master, monkeypatch):
    ratio = rewrite(_sample_master, tmp_path / "ratio.xlsx", {}, extra=[("xl/media/blank.xml", b" " * (8 * 2**20))])
    with pytest.raises(Exception, match=r"compressed [\d,]+ times.*zip bomb"):
        filecheck.check_workbook_file(ratio)
    monkeypatch.setattr(filecheck, "MAX_UNCOMPRESSED", 2**20)
    with pytest.raises(Exception, match="beyond the"):
        filecheck.check_workbook_file(rewrite(_sample_master, tmp_path / "many.xlsx", {},
                                              extra=[(f"xl/media/p{i}.bin", os.urandom(300_000)) for i in range(4)]))


def test_a_lying_zip_directory_is_a_damaged_file(tmp_path, _sample_master, capsys):
    """A part whose directory entry understates its size: zipfile stops at the declared size, the CRC fails."""
    from dnqp.cli import main

    data = bytearray(_sample_master.read_bytes())
    name = b"xl/worksheets/sheet3.xml"
    with zipfile.ZipFile(_sample_master) as z:
        info = z.getinfo(name.decode())
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(name) + 1)  # the central directory entry of the part
    assert data[central + 46:central + 46 + len(name)] == name
    data[central + 24:central + 28] = (info.file_size // 2).to_bytes(4, "little")  # uncompressed size
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(bytes(data))
    assert main(["check", str(lying)]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and len(err.strip().splitlines()) == 1


def test_normal_workbook_is_not_refused(sample_xlsx, tmp_path):
    code, out, err, seconds, peak = cli("check", sample_xlsx, cwd=tmp_path)
    assert code == 0 and "OK" in out, err
    assert seconds < SECONDS and peak < MEGABYTES  # the guard is far above a normal check's cost
