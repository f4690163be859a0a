"""Every relative link in README.md and docs/*.md leads to a file of the repository (and to a heading that exists).

Links to the web (``https://…``) are not followed. A link into a Markdown file with ``#anchor`` must name one
of that file's headings, slugged as GitHub does (lower case, punctuation dropped, spaces to hyphens), which is
also how the documentation site slugs the headings of these pages (``mkdocs build --strict`` checks the site).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
HTML = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)


#: Documents in docs/ that are not pages of the site but drafts of a file at the root: their links are relative
#: to the root (mkdocs.yml's ``exclude_docs`` leaves ``_*.md`` out of the site).
ROOT_DRAFTS: tuple[str, ...] = ()


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def base_of(document: Path) -> Path:
    """The folder the document's relative links start from."""
    return ROOT if document.name in ROOT_DRAFTS else document.parent


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans (a link shown as code is not a link)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    body = prose(text)
    return [m.group(1) for pattern in (INLINE, REFERENCE, HTML) for m in pattern.finditer(body)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup removed, lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading keeps its text
    text = unicodedata.normalize("NFC", text.replace("`", "")).strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for m in HEADING.finditer(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def problems(document: Path, root: Path = ROOT, base: Path | None = None) -> list[str]:
    """One line per broken relative link of ``document`` (relative to ``base``, by default its folder)."""
    base = document.parent if base is None else base
    out = []
    for target in links(document.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, …: not a file of the repository
            continue
        path_part, _, anchor = target.partition("#")
        path_part = unquote(path_part)
        dest = (base / path_part).resolve() if path_part else document.resolve()
        where = f"{document.relative_to(root)}: link {target!r}"
        if path_part.startswith("/"):
            out.append(f"{where} is absolute: use a path relative to the document")
        elif not dest.is_relative_to(root.resolve()):
            out.append(f"{where} points outside the repository")
        elif not dest.exists():
            out.append(f"{where} points to a missing file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            out.append(f"{where} names #{anchor}, but {dest.name} has no heading with that anchor")
    return out


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files_of_the_repository(document):
    assert problems(document, base=base_of(document)) == []


def test_the_documents_are_there():
    names = {p.name for p in documents()}
    assert {"README.md", "method.md", "index.md"} <= names


def test_the_checker_catches_each_kind_of_broken_link(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other page\n\n## 2. Its second part, here\n", encoding="utf-8")
    doc = tmp_path / "docs" / "page.md"
    doc.write_text(
        "# Page\n\n"
        "[fine](other.md) [fine anchor](other.md#2-its-second-part-here) [self](#page) [web](https://example.org/x)\n"
        "`[code](missing-in-code.md)`\n\n```\n[fenced](missing-in-fence.md)\n```\n"
        "[gone](missing.md) [outside](../../elsewhere/METHOD.md) [bad anchor](other.md#nope)\n"
        "[ref]: gone-too.md\n<img src=\"pic.png\">\n", encoding="utf-8")
    found = problems(doc, tmp_path)
    assert [line.split("link ")[1].split(" ")[0] for line in found] == [
        "'missing.md'", "'../../elsewhere/METHOD.md'", "'other.md#nope'", "'gone-too.md'", "'pic.png'"]
    assert "outside the repository" in found[1] and "no heading" in found[2]


def test_slugs_are_githubs():
    assert slug("4. The seed paper's errata, and how one run avoids them") == \
        "4-the-seed-papers-errata-and-how-one-run-avoids-them"
    assert slug("5. Panels (panel studies)") == "5-panels-panel-studies"
    assert slug("`dnqp serve`: the Office.js server") == "dnqp-serve-the-officejs-server"
    assert slug("Indicators and Dimensions") == "indicators-and-dimensions"
