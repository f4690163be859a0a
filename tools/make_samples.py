"""Regenerate the committed sample data, src/dnqp/engine/data/sample_*.csv and panel_*.csv, from their seeded
generators (:func:`dnqp.engine.sample.write_sample`, :func:`dnqp.engine.panel_sample.write_panel_sample`).

    python tools/make_samples.py [DIR]

The tests regenerate both into a temporary folder and compare them with the committed files, so a change of
a generator shows up as a failing test until this is run and the CSVs are committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dnqp.engine.panel_sample import write_panel_sample
from dnqp.engine.sample import write_sample

DATA = Path(__file__).resolve().parent.parent / "src" / "dnqp" / "engine" / "data"


def main(directory: Path = DATA) -> None:
    write_sample(directory)
    write_panel_sample(directory)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
