"""Demo content is data: YAML files under the top-level `demo/` folder, one folder per app.

Each app's seeder (`<app>/demo.py`) reads its files through `load()` and keeps only the logic the
data cannot express: looking rows up by their natural keys so a second run changes nothing,
dates relative to today, files to generate. Records name each other by natural key (a page slug,
an e-mail, a company name, a programme code), never by database id.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings


def demo_dir() -> Path:
    return Path(settings.BASE_DIR) / "demo"


@functools.cache
def _parsed(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load(name: str) -> Any:
    """The parsed contents of demo/<name> (e.g. "courses/courses.yaml").

    Parsed once per process; callers get the shared structure and must not change it.
    """
    return _parsed(demo_dir() / name)
