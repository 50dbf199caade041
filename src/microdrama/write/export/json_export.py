"""JSON: the SeriesExport document (bible + episodes) and one Episode per file.

The documents are exactly the models' JSON, so they validate against the
committed schema/*.schema.json and load back with ``model_validate``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from microdrama.model import Bible, Episode
from microdrama.model.schema import SeriesExport

SUFFIX = ".json"


def series(bible: Bible, episodes: Sequence[Episode]) -> str:
    return _dump(SeriesExport(bible=bible, episodes=list(episodes)).model_dump(mode="json"))


def episode(item: Episode) -> str:
    return _dump(item.model_dump(mode="json"))


def _dump(data: dict[str, Any]) -> str:
    # ensure_ascii=False keeps Chinese readable; keys stay in model order, which reads best.
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
