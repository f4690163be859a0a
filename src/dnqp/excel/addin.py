"""The desktop Excel add-in ``dnqp.xlam``: a reproducible build from xlwings' ribbon add-in template.

``python -m dnqp.excel.addin build [DIR]`` (or ``dnqp addin build``) writes, into ``addin/``:

* ``dnqp.xlam``: xlwings' ``quickstart_addin_ribbon.xlam`` (BSD-3-Clause) edited as a zip of XML: a
  ribbon tab *DNQP* whose *Run analysis* button runs ``import dnqp;dnqp.main()`` (the template's VBA
  callback imports the module named like the add-in file), and the config sheet ``myaddin.conf`` with
  ``UDF Modules = dnqp.udfs``. The VBA project is the template's, unchanged. Zip entries carry a
  fixed date, so the same xlwings version gives the same bytes.
* ``dnqp_udfs.bas``: the VBA wrappers that xlwings' *Import Functions* writes for ``dnqp.udfs``,
  generated on any platform from the decorators (in a clean subprocess: classic decorators).
* ``manifest.xml``: the Office.js add-in manifest for ``dnqp serve`` on ``https://localhost:8000``.

``dnqp addin install`` copies a fresh ``dnqp.xlam`` to Excel's start-up folder (Windows, macOS).
"""

from __future__ import annotations

import io
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import DnqpError

__all__ = ["CUSTOM_UI", "CONFIG_SHEET", "UDF_MODULES", "build", "build_xlam", "generate_bas", "install",
           "startup_folder"]

UDF_MODULES = "dnqp.udfs"
#: The template's VBA reads its config only from a sheet named PROJECT_NAME & ".conf" (myaddin.conf);
#: the template ships it deactivated as "_myaddin.conf".
CONFIG_SHEET = "myaddin.conf"
TEMPLATE_SHEET = "_myaddin.conf"
CUSTOM_UI = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
    <ribbon>
        <tabs>
            <tab id="dnqpTab" label="DNQP">
                <group id="dnqpGroup" label="Study">
                    <button id="dnqpRunAnalysis" label="Run analysis" size="large" onAction="RibbonMyAddin.RunMain"
                            imageMso="MacroPlay"
                            screentip="Run analysis"
                            supertip="Read the input sheets of the template, run the study and write the dnqp_ result sheets." />
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
"""
#: The config sheet's rows: key (column A) → value (column B); keys as in the template.
CONFIG = {"UDF Modules": UDF_MODULES}
FIXED_DATE = (2020, 1, 1, 0, 0, 0)


def _template() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise DnqpError("xlwings is not installed: pip install xlwings")
    return Path(list(spec.submodule_search_locations)[0]) / "quickstart_addin_ribbon.xlam"


def _config_sheet(xml: str) -> str:
    """Put each CONFIG value in column B of the row whose column A holds its key (inline strings)."""
    shared = ["PYTHONPATH", "UDF Modules", "Debug UDFs", "Use UDF Server", "Conda Env", "Conda Path",
              "Interpreter_Win", "Interpreter_Mac", "Show Console"]  # the template's sharedStrings, in order
    for key, value in CONFIG.items():
        idx = shared.index(key)
        cell_a = f'<c r="A{{row}}" s="1" t="s"><v>{idx}</v></c>'
        for row in range(1, 20):
            a = cell_a.format(row=row)
            if a in xml:
                b = f'<c r="B{row}" s="1" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
                xml = xml.replace(f'<row r="{row}" spans="1:1"', f'<row r="{row}" spans="1:2"').replace(a, a + b)
                break
        else:
            raise DnqpError(f"the xlwings add-in template has no config row {key}")
    return xml


def build_xlam(target: Path) -> Path:
    """Write ``dnqp.xlam`` (ribbon tab DNQP, config sheet with UDF Modules = dnqp.udfs) to ``target``."""
    edits = {
        "customUI/customUI.xml": lambda x: CUSTOM_UI,
        "xl/workbook.xml": lambda x: x.replace(f'name="{TEMPLATE_SHEET}"', f'name="{CONFIG_SHEET}"'),
        "docProps/app.xml": lambda x: x.replace(TEMPLATE_SHEET, CONFIG_SHEET),
        "xl/worksheets/sheet1.xml": _config_sheet,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(_template()) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            out.writestr(entry, data)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buf.getvalue())
    return target


_BAS_SCRIPT = r'''
import io, sys, types, importlib
for n in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules.setdefault(n, types.ModuleType(n))
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})
sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
sys.modules["win32com"].client = sys.modules["win32com.client"]
import xlwings as xw
from xlwings import udfs
from xlwings.utils import VBAWriter
xw.func, xw.arg, xw.ret, xw.script, xw.sub = udfs.xlfunc, udfs.xlarg, udfs.xlret, udfs.xlsub, udfs.xlsub
buf = io.StringIO()
vba = VBAWriter(buf)
vba.writeln('Attribute VB_Name = "xlwings_udfs"')
vba.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
vba.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
for name in sys.argv[1].split(";"):
    sys.modules.pop(name, None)
    udfs.generate_vba_wrapper(name, importlib.import_module(name), buf, types.SimpleNamespace(Name="dnqp.xlam"))
sys.stdout.write(buf.getvalue())
'''


def generate_bas(modules: str = UDF_MODULES) -> str:
    """The VBA module that xlwings' *Import Functions* writes for ``modules`` (``;``-separated).

    Runs in a clean subprocess: the classic decorators must be the ones bound, so the process must not
    have ``XLWINGS_ON_SERVER=true`` (nor have imported xlwings the other way).
    """
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    out = subprocess.run([sys.executable, "-c", _BAS_SCRIPT, modules], capture_output=True, text=True, env=env,
                         encoding="utf-8")
    if out.returncode != 0:
        raise DnqpError(f"could not generate the VBA wrappers: {out.stderr.strip().splitlines()[-1]}")
    return out.stdout.replace("\r\n", "\n")


def build(directory: str | Path = "addin") -> list[Path]:
    """Write dnqp.xlam, dnqp_udfs.bas and manifest.xml into ``directory``; returns their paths."""
    from .server import manifest_xml

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    bas = directory / "dnqp_udfs.bas"
    bas.write_text(generate_bas(), encoding="utf-8", newline="\n")
    manifest = directory / "manifest.xml"
    manifest.write_text(manifest_xml("https://localhost:8000"), encoding="utf-8", newline="\n")
    return [build_xlam(directory / "dnqp.xlam"), bas, manifest]


def startup_folder(system: str | None = None, home: Path | None = None, env: dict | None = None) -> Path:
    """Excel's start-up folder (add-ins there load with Excel) on Windows or macOS."""
    system = system or platform.system()
    home = home or Path.home()
    env = os.environ if env is None else env
    if system == "Windows":
        return Path(env.get("APPDATA", home / "AppData" / "Roaming")) / "Microsoft" / "Excel" / "XLSTART"
    if system == "Darwin":
        return (home / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
                / "Startup.localized" / "Excel")
    raise DnqpError(f"Excel isn't available on {system}: the desktop add-in needs Excel on Windows or macOS. "
                    "On this machine use the formulas from Python (dnqp.udfs) or serve them to Excel on the web "
                    "with: dnqp serve")


def install(system: str | None = None, home: Path | None = None) -> str:
    """Copy a freshly built dnqp.xlam to Excel's start-up folder; returns a one-line report."""
    folder = startup_folder(system, home)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "dnqp.xlam"
    built = build_xlam(folder / "dnqp.xlam.tmp")
    shutil.move(built, target)
    return f"installed {target}: restart Excel; the DNQP tab runs the study, the functions come from {UDF_MODULES}"


if __name__ == "__main__":  # python -m dnqp.excel.addin build [DIR]
    if len(sys.argv) < 2 or sys.argv[1] != "build":
        sys.exit("usage: python -m dnqp.excel.addin build [DIR]")
    for path in build(sys.argv[2] if len(sys.argv) > 2 else "addin"):
        print(path)
