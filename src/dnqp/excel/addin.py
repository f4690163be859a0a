"""The desktop Excel add-in ``dnqp.xlam``: a reproducible build from xlwings' ribbon add-in template.

``python -m dnqp.excel.addin build [DIR]`` (or ``dnqp addin build``) writes, into ``addin/``:

* ``dnqp.xlam``: xlwings' ``quickstart_addin_ribbon.xlam`` (BSD-3-Clause) with

  - a VBA project holding the template's modules unchanged (``xlwings``, ``Dictionary``,
    ``RibbonMyAddin``, ``ThisWorkbook``, ``Sheet2``) plus two generated modules: ``xlwings_udfs``, the
    wrappers of every worksheet function of :data:`UDF_MODULES` (what xlwings' *Import Functions* writes),
    and :data:`RIBBON_MODULE`, one ribbon callback per action of :mod:`dnqp.excel.ribbon`
    (``RunPython "import dnqp;dnqp.main('<action>')"``). The project carries no performance cache
    (``_VBA_PROJECT`` version 0xFFFF, MS-OVBA 2.3.4.1), so Excel compiles it from the source;
  - the ribbon tab *DNQP*, one button per action of :data:`dnqp.excel.ribbon.__all__`;
  - the config sheet ``myaddin.conf`` with ``UDF Modules = dnqp.udfs``.

  Zip entries carry a fixed date, so the same xlwings and pyOpenVBA versions and the same functions
  give the same bytes. New worksheet functions and ribbon actions are picked up
  from ``dnqp.udfs.__all__`` and ``dnqp.excel.ribbon.__all__`` on the next build.
* ``dnqp_udfs.bas``: the wrapper module as text (the one inside ``dnqp.xlam``), for review and for a
  manual import; generated on any platform from the decorators (in a clean subprocess: classic decorators).
* ``manifest.xml``: the Office.js add-in manifest for ``dnqp serve`` on ``https://localhost:8000``.

``dnqp addin install`` copies a fresh ``dnqp.xlam`` to Excel's start-up folder (Windows, macOS).
The modules are added to the VBA project with pyOpenVBA (MS-OVBA and MS-CFB in pure Python; the
``addin`` extra).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..errors import DnqpError

__all__ = ["CONFIG_SHEET", "RIBBON_MODULE", "UDF_MODULES", "build", "build_xlam", "buttons", "custom_ui",
           "generate_bas", "install", "ribbon_bas", "startup_folder", "add_modules"]

UDF_MODULES = "dnqp.udfs"
#: The template's VBA reads its config only from a sheet named PROJECT_NAME & ".conf" (myaddin.conf);
#: the template ships it deactivated as "_myaddin.conf".
CONFIG_SHEET = "myaddin.conf"
TEMPLATE_SHEET = "_myaddin.conf"
#: The VBA module of the worksheet functions' wrappers: the name xlwings' *Import Functions* gives it.
UDF_VBA_MODULE = "xlwings_udfs"
#: The generated VBA module of the ribbon callbacks (one Sub per action of dnqp.excel.ribbon).
RIBBON_MODULE = "RibbonDnqp"
#: imageMso of each ribbon action's button (Office's built-in icons); other actions get MacroPlay.
IMAGES = {"run_analysis": "MacroPlay", "validate_data": "DataValidation", "clear_results": "SheetDelete",
          "export_word": "FileSaveAsWordDocx"}
#: A button label other than the action's name, capitalised.
LABELS = {"export_word": "Export to Word"}


def _camel(action: str) -> str:
    return "".join(part.capitalize() for part in action.split("_"))


def buttons() -> list[dict[str, str]]:
    """One ribbon button per action of :data:`dnqp.excel.ribbon.__all__` (label, tip, callback, Python call)."""
    from . import ribbon

    out = []
    for action in ribbon.__all__:
        doc = (getattr(ribbon, action).__doc__ or "").strip().splitlines()
        out.append({
            "action": action,
            "id": "dnqp" + _camel(action),
            "label": LABELS.get(action, action.replace("_", " ").capitalize()),
            "image": IMAGES.get(action, "MacroPlay"),
            "supertip": doc[0] if doc else "",
            "sub": _camel(action),
            "python": f"import dnqp;dnqp.main('{action}')",
        })
    return out


def custom_ui() -> str:
    """The ribbon XML (customUI/customUI.xml): tab DNQP, one button per ribbon action."""
    rows = []
    for b in buttons():
        rows.append(
            f'                    <button id="{b["id"]}" label={quoteattr(b["label"])} size="large" '
            f'onAction="{RIBBON_MODULE}.{b["sub"]}"\n'
            f'                            imageMso="{b["image"]}" screentip={quoteattr(b["label"])}\n'
            f'                            supertip={quoteattr(b["supertip"])} />')
    return ('<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">\n'
            "    <ribbon>\n        <tabs>\n"
            '            <tab id="dnqpTab" label="DNQP">\n'
            '                <group id="dnqpGroup" label="Study">\n'
            + "\n".join(rows) + "\n"
            "                </group>\n            </tab>\n        </tabs>\n    </ribbon>\n</customUI>\n")


def ribbon_bas() -> str:
    """The VBA module of the ribbon callbacks: a Sub per button, running its action through xlwings."""
    lines = [f'Attribute VB_Name = "{RIBBON_MODULE}"',
             "'Generated by dnqp (python -m dnqp.excel.addin build): the DNQP tab's callbacks.",
             "'Each runs an action of dnqp.excel.ribbon on the active workbook; problems come back in a message box."]
    for b in buttons():
        lines += ["", f"Sub {b['sub']}(control As IRibbonControl)", f'    RunPython "{b["python"]}"', "End Sub"]
    return "\n".join(lines) + "\n"

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


def _pyopenvba():
    try:
        import pyopenvba
    except ImportError:
        raise DnqpError("building dnqp.xlam needs pyOpenVBA: pip install 'dnqp[addin]'") from None
    return pyopenvba


def add_modules(source: Path, modules: dict[str, str], target: Path) -> None:
    """Write ``source`` (an .xlam) to ``target`` with the standard ``modules`` (name → VBA) added to its project.

    pyOpenVBA rewrites only ``xl/vbaProject.bin``: the dir stream gets a MODULE record per module, PROJECT
    and PROJECTwm their names, each module a stream with its compressed source at offset 0 (no p-code),
    and the ``_VBA_PROJECT`` performance cache is emptied, so Excel compiles the project from the source
    (MS-OVBA 2.3.4.1). The template's modules keep their streams.
    """
    pyopenvba = _pyopenvba()
    with pyopenvba.ExcelFile(source) as book:
        project = book.vba_project()
        for name, code in modules.items():
            project.add_module(name, code.replace("\r\n", "\n").replace("\n", "\r\n"))
        book.save(target)
    with pyopenvba.ExcelFile(target) as book:
        problems = book.validate()
        missing = [name for name in modules if name not in book.module_names()]
    if problems or missing:
        raise DnqpError(f"the VBA project written into {target.name} is inconsistent: "
                        f"{(problems or [f'module {missing[0]} is missing'])[0]}")


def build_xlam(target: Path) -> Path:
    """Write ``dnqp.xlam`` (VBA wrappers and ribbon callbacks, ribbon tab DNQP, config sheet) to ``target``."""
    from ..workbook.xlsx import atomic_path

    modules = {UDF_VBA_MODULE: generate_bas(), RIBBON_MODULE: ribbon_bas()}  # each starts with its VB_Name
    edits = {
        "customUI/customUI.xml": lambda x: custom_ui(),
        "xl/workbook.xml": lambda x: x.replace(f'name="{TEMPLATE_SHEET}"', f'name="{CONFIG_SHEET}"'),
        "docProps/app.xml": lambda x: x.replace(TEMPLATE_SHEET, CONFIG_SHEET),
        "xl/worksheets/sheet1.xml": _config_sheet,
    }
    target = Path(target)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.xlam"
        with zipfile.ZipFile(_template()) as src, zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename in edits:
                    data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
                entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                out.writestr(entry, data)
        built = Path(tmp) / "dnqp.xlam"
        add_modules(base, modules, built)
        with atomic_path(target) as part:
            shutil.copyfile(built, part)
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
vba.writeln('Attribute VB_Name = "%s"' % sys.argv[2])
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
    out = subprocess.run([sys.executable, "-c", _BAS_SCRIPT, modules, UDF_VBA_MODULE], capture_output=True,
                         text=True, env=env, encoding="utf-8")
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
    target = build_xlam(folder / "dnqp.xlam")  # atomic: a failed build leaves the installed add-in as it was
    labels = ", ".join(b["label"] for b in buttons())
    return f"installed {target}: restart Excel; the DNQP tab has {labels}; the functions come from {UDF_MODULES}"


if __name__ == "__main__":  # python -m dnqp.excel.addin build [DIR]
    if len(sys.argv) < 2 or sys.argv[1] != "build":
        sys.exit("usage: python -m dnqp.excel.addin build [DIR]")
    for path in build(sys.argv[2] if len(sys.argv) > 2 else "addin"):
        print(path)
