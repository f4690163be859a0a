"""The desktop add-in: committed VBA wrappers, ribbon XML and config of dnqp.xlam, manifest, install."""

import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import dnqp
from dnqp.excel import functions as udfs
from dnqp.excel import addin
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
    assert "Function ENTROPY_WEIGHTS(data, directions, Optional shift, Optional standardize, Optional header)" \
        in committed


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
    [button] = tab.iter(CUI + "button")
    assert button.get("label") == "Run analysis"
    # The template's callback runs "import <add-in name>;<add-in name>.main()", i.e. dnqp.main().
    assert button.get("onAction") == "RibbonMyAddin.RunMain"
    assert callable(dnqp.main)
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
        for name in ("customUI/customUI.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"):
            assert fresh.read(name) == committed.read(name), name
    assert (ADDIN / "manifest.xml").read_text(encoding="utf-8") == manifest_xml("https://localhost:8000")


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
