"""The desktop add-in: VBA project (read back by oletools), ribbon XML and config of dnqp.xlam, manifest, install."""

import logging
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import dnqp
from dnqp import udfs
from dnqp.excel import addin, ribbon
from dnqp.errors import DnqpError
from dnqp.excel.server import manifest_xml

ADDIN = Path(__file__).resolve().parents[1] / "addin"
CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def test_bas_matches_the_decorators():
    """Regenerate the wrappers "Import Functions" writes (clean subprocess) and compare with the committed file."""
    fresh = addin.generate_bas()
    committed = (ADDIN / "dnqp_udfs.bas").read_text(encoding="utf-8").replace("\r\n", "\n")
    assert fresh == committed, "addin/dnqp_udfs.bas is stale: run `python -m dnqp.excel.addin build`"
    for name in udfs.__all__:
        assert f'XLPy.CallUDF("dnqp.udfs", "{name}", ' in committed
    assert "Function ENTROPY_WEIGHTS(data, directions, Optional shift, Optional standardize, Optional header, " \
        "Optional region, Optional panel_entropy)" in committed
    assert "Function DNQP_XTREG(y, X, region, year, Optional effects, Optional cluster, Optional cov, " \
        "Optional command, Optional header)" in committed


REBUILD = "addin/dnqp.xlam is stale: run `dnqp addin build` (python -m dnqp.excel.addin build) and commit addin/"


def _olevba(path, stomping: bool = False) -> dict[str, str]:
    """Module name → source, as oletools' olevba (an independent MS-OVBA reader) extracts them.

    With ``stomping``, also olevba's check that each module's p-code, where present, matches its source
    (VBA stomping); it needs the vbaProject.bin on disk, which ``path`` then is.
    """
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        modules = {stream.split("/")[-1]: code.replace("\r\n", "\n")
                   for _, stream, _, code in parser.extract_macros()}
        if stomping:
            assert parser.detect_vba_stomping() is False
        return modules
    finally:
        parser.close()


def _vba_bin(xlam, folder) -> Path:
    with zipfile.ZipFile(xlam) as z:
        path = Path(folder) / f"{Path(xlam).stem}_vbaProject.bin"
        path.write_bytes(z.read("xl/vbaProject.bin"))
    return path


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # olevba on pyparsing 3.3
def test_vba_project_read_by_olevba(tmp_path, caplog):
    """The modules, one wrapper per catalogue function, and a callback per ribbon button, as olevba reads them."""
    caplog.set_level(logging.WARNING, logger="olevba")
    modules = _olevba(_vba_bin(ADDIN / "dnqp.xlam", tmp_path), stomping=True)
    assert list(_olevba(ADDIN / "dnqp.xlam")) == list(modules)  # the same project, read from the add-in itself
    # olevba checks each dir stream record it parses and logs a mismatch (e.g. a misplaced MODULE record).
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
            and "cannot be detected for files in memory" not in r.getMessage()] == []
    xlwings_modules = _olevba(_vba_bin(addin._template(), tmp_path))
    assert {"xlwings", "Dictionary", "RibbonMyAddin", "ThisWorkbook"} <= set(xlwings_modules)
    # xlwings' own modules are kept as they are, and dnqp adds two.
    assert list(modules) == list(xlwings_modules) + [addin.UDF_VBA_MODULE, addin.RIBBON_MODULE]
    for name, code in xlwings_modules.items():
        assert modules[name] == code, name

    wrappers = modules[addin.UDF_VBA_MODULE]
    assert wrappers == (ADDIN / "dnqp_udfs.bas").read_text(encoding="utf-8").replace("\r\n", "\n"), REBUILD
    defined = re.findall(r"^Function (\w+)\(", wrappers, flags=re.M)
    assert sorted(defined) == sorted(udfs.__all__), REBUILD
    for name in udfs.__all__:
        assert f'XLPy.CallUDF("dnqp.udfs", "{name}", ' in wrappers

    with zipfile.ZipFile(ADDIN / "dnqp.xlam") as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
    callbacks = {}
    for button in ui.iter(CUI + "button"):
        module, _, sub = button.get("onAction").partition(".")
        body = re.search(rf"^Sub {sub}\(control As IRibbonControl\)\n(.*?)^End Sub", modules[module],
                         flags=re.M | re.S)
        assert body, f"no callback {button.get('onAction')} for the button {button.get('label')}"
        [action] = re.findall(r"""^\s+RunPython "import dnqp;dnqp\.main\('(\w+)'\)"$""", body.group(1), flags=re.M)
        callbacks[button.get("label")] = action
    assert {"Run analysis": "run_analysis", "Validate data": "validate_data",
            "Clear results": "clear_results"}.items() <= callbacks.items()
    assert sorted(callbacks.values()) == sorted(ribbon.__all__), REBUILD  # a new action: its button after a rebuild


def test_vba_project_has_no_performance_cache():
    """MS-OVBA 2.3.4.1: _VBA_PROJECT is Reserved1 0x61CC, Version 0xFFFF, Reserved2, Reserved3 and no cache."""
    import olefile

    with zipfile.ZipFile(ADDIN / "dnqp.xlam") as z, olefile.OleFileIO(z.read("xl/vbaProject.bin")) as ole:
        cache = ole.openstream("VBA/_VBA_PROJECT").read()
        project = ole.openstream("PROJECT").read().decode("cp1252")
    assert cache[:5] == b"\xcc\x61\xff\xff\x00" and len(cache) == 7
    assert f"Module={addin.UDF_VBA_MODULE}\r\n" in project and f"Module={addin.RIBBON_MODULE}\r\n" in project


def test_xlam_ribbon_and_config():
    with zipfile.ZipFile(ADDIN / "dnqp.xlam") as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        shared = [t.text for t in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(MAIN + "t")]
        rels = z.read("_rels/.rels").decode()
        assert "xl/vbaProject.bin" in z.namelist()
    [tab] = ui.iter(CUI + "tab")
    assert tab.get("label") == "DNQP"
    assert [b.get("label") for b in tab.iter(CUI + "button")][:3] == ["Run analysis", "Validate data", "Clear results"]
    assert all(b.get("supertip") and b.get("imageMso") for b in tab.iter(CUI + "button"))
    assert "customUI/customUI.xml" in rels
    assert [s.get("name") for s in workbook.iter(MAIN + "sheet")] == ["myaddin.conf"]
    config = {}
    for row in sheet.iter(MAIN + "row"):
        cells = list(row.iter(MAIN + "c"))
        key = shared[int(cells[0].find(MAIN + "v").text)] if cells and cells[0].get("t") == "s" else None
        if key and len(cells) > 1:
            c = cells[1]
            config[key] = c.find(f"{MAIN}is/{MAIN}t").text if c.get("t") == "inlineStr" else c.find(MAIN + "v").text
    assert config["UDF Modules"] == "dnqp.udfs"
    assert config["Use UDF Server"] == "0" and config["Debug UDFs"] == "0"


def test_build_is_reproducible_and_matches_the_committed_files(tmp_path):
    a = addin.build_xlam(tmp_path / "a.xlam").read_bytes()
    b = addin.build_xlam(tmp_path / "b.xlam").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlam") as fresh, zipfile.ZipFile(ADDIN / "dnqp.xlam") as committed:
        assert fresh.namelist() == committed.namelist(), REBUILD
        for name in fresh.namelist():
            assert fresh.read(name) == committed.read(name), f"{name}: {REBUILD}"
    assert (ADDIN / "manifest.xml").read_text(encoding="utf-8") == manifest_xml("https://localhost:8000")


class _Book:
    def __init__(self):
        self.alerts = []
        self.app = self

    def alert(self, text, title):
        self.alerts.append((title, text))


def test_main_runs_the_ribbon_action(monkeypatch):
    import xlwings as xw

    book, ran = _Book(), []
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    monkeypatch.setattr(ribbon, "validate_data", lambda b: ran.append(b))
    dnqp.main("validate_data")
    assert ran == [book] and book.alerts == []

    def fails(b):
        raise xw.XlwingsError("every sheet of the workbook is a dnqp result sheet")

    monkeypatch.setattr(ribbon, "clear_results", fails)
    dnqp.main("clear_results")
    assert book.alerts == [("dnqp", "every sheet of the workbook is a dnqp result sheet")]
    with pytest.raises(DnqpError, match="^unknown ribbon action 'export': use one of run_analysis, "):
        dnqp.main("export")


def test_manifest_is_a_valid_office_manifest():
    root = ET.fromstring((ADDIN / "manifest.xml").read_text(encoding="utf-8"))
    text = (ADDIN / "manifest.xml").read_text(encoding="utf-8")
    assert root.tag.endswith("OfficeApp")
    for fn in ("dnqp-run-analysis", "dnqp-validate-data", "dnqp-clear-results"):
        assert f"<FunctionName>{fn}</FunctionName>" in text
    assert '<bt:String id="Functions.Namespace" DefaultValue="DNQP" />' in text


def test_install(tmp_path):
    with pytest.raises(DnqpError, match="^Excel isn't available on Linux"):
        addin.install(system="Linux")
    home = tmp_path / "home"
    folder = addin.startup_folder("Darwin", home)
    message = addin.install(system="Darwin", home=home)
    assert (folder / "dnqp.xlam").is_file() and str(folder / "dnqp.xlam") in message
    assert addin.startup_folder("Windows", home, {"APPDATA": str(tmp_path)}) == tmp_path / "Microsoft/Excel/XLSTART"


def test_cli_addin_install_on_linux_is_one_line():
    if sys.platform != "linux":
        pytest.skip("Linux only")
    out = subprocess.run([sys.executable, "-m", "dnqp.cli", "addin", "install"], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.startswith("dnqp: Excel isn't available on Linux") and out.stderr.count("\n") == 1


def test_import_dnqp_does_not_import_xlwings():
    code = "import sys, dnqp; print('xlwings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # olevba on pyparsing 3.3
def test_a_new_ribbon_action_gets_a_button_and_a_callback(tmp_path, monkeypatch):
    """The build follows dnqp.excel.ribbon.__all__: a new action is a button and a VBA callback after a rebuild."""
    def export_latex(book):
        """Write the study's tables to a LaTeX file."""

    monkeypatch.setattr(ribbon, "__all__", [*ribbon.__all__, "export_latex"])
    monkeypatch.setattr(ribbon, "export_latex", export_latex, raising=False)
    built = addin.build_xlam(tmp_path / "dnqp.xlam")
    with zipfile.ZipFile(built) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
    button = [b for b in ui.iter(CUI + "button")][-1]
    assert (button.get("label"), button.get("onAction")) == ("Export latex", f"{addin.RIBBON_MODULE}.ExportLatex")
    assert button.get("supertip") == "Write the study's tables to a LaTeX file."
    code = _olevba(built)[addin.RIBBON_MODULE]
    assert "Sub ExportLatex(control As IRibbonControl)\n    RunPython \"import dnqp;dnqp.main('export_latex')\"\n" in code


def test_build_without_pyopenvba_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyopenvba", None)
    with pytest.raises(DnqpError, match=r"^building dnqp.xlam needs pyOpenVBA: pip install 'dnqp\[addin\]'$"):
        addin.build_xlam(tmp_path / "dnqp.xlam")
    assert not (tmp_path / "dnqp.xlam").exists()
