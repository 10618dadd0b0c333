"""Where the shared reference files live: ``shared/`` beside the repository (as in CI)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STOCKWISE_SHARED_DIR", REPO.parent / "shared"))
STOCKPYL_REFS = SHARED / "refs" / "stockpyl_textbook.json"
