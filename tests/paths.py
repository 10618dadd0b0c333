"""Reference files the tests read, all inside the repository (a plain clone runs the tests).

``STOCKPYL_REFS``: stockpyl's textbook optima (see ``tests/data/refs/README.md``);
``STOCKWISE_STOCKPYL_REFS`` may point at another copy.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFS = REPO / "tests" / "data" / "refs"
STOCKPYL_REFS = Path(os.environ.get("STOCKWISE_STOCKPYL_REFS", REFS / "stockpyl_textbook.json"))
