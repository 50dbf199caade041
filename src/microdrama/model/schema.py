"""JSON Schema of the project files, exported into the repository's schema/ folder.

``python -m microdrama.model.schema schema/`` rewrites them; a test checks the
committed files match the models so they never drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from microdrama.model.bible import Bible
from microdrama.model.script import Episode
from microdrama.model.version import SCHEMA_VERSION


class SeriesExport(BaseModel):
    """The JSON export: the bible and every episode in one document."""

    schema_version: int = SCHEMA_VERSION
    bible: Bible
    episodes: list[Episode] = Field(default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {
    "bible.schema.json": Bible,
    "episode.schema.json": Episode,
    "series.schema.json": SeriesExport,
}


def schema_documents() -> dict[str, dict[str, Any]]:
    documents = {}
    for name, model in SCHEMAS.items():
        document = model.model_json_schema()
        document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        document["$id"] = f"microdrama/{name}"
        documents[name] = document
    return documents


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in schema_documents().items():
        path = folder / name
        path.write_text(render(document), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schema")):
        print(path)
