"""Check the layer contracts of pyproject.toml: ``./run scripts/lint_imports.py``.

A package of ``messaging`` imports only the ones below it, the core imports no Qt and no
Flask, and the window and the REST API do not import each other. import-linter has no
``python -m`` entry, so this runs its CLI function from the project's folder (which must
be on the path for it to find the packages). Exits 1 naming the import that breaks one.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from importlinter.cli import lint_imports

    sys.exit(
        lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    )
