"""What the translation passes ask the model for: one reply line per source line, pinned by id.

The reply schema fixes the ids in order, so the embedded model (decoding under it) cannot
merge, split or drop lines. It also bounds every string in it, and the request asks for as
many tokens as the longest reply the schema allows (``reply_tokens``): a reply the grammar
lets the model write is then never cut off at the length limit. (The adaptation's note was
once unbounded; the 1.5B model restated the source and the whole translation in it, and a
scene of ten lines ran past its ``120 + 90 x lines`` tokens on every attempt.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from microdrama.render.layout import Counting

NOTE_CAP = 100  # characters: "one short sentence for a reviewer"
# Tokens a reply line takes besides its strings: braces, keys, quotes, the id, and the whitespace
# llama.cpp's grammar lets the model put around them (pretty-printed, up to a line and 20 spaces each).
LINE_OVERHEAD_TOKENS = 40
REPLY_OVERHEAD_TOKENS = 16
# Characters per token at the least, for text a model writes (not the average: Qwen2.5 averages
# about 4 for English). Han, Kana and Hangul take a token per character or more; so does Thai.
CHARS_PER_TOKEN: dict[Counting, float] = {"plain": 2.5, "thai": 1.0, "wide": 0.8}


class ReplyLine(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    text: str


class AdaptedLine(ReplyLine):
    note: str = ""


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    lines: list[ReplyLine]


class AdaptedReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    lines: list[AdaptedLine]


def text_cap(max_units: float) -> int:
    """The schema's bound on a line's text: twice what it may count, and some: generous, since the
    real limit is the reading-speed check and a line cut off mid-word by the grammar is worse."""
    return int(max_units * 2) + 40


def pinned(
    reply_type: type[BaseModel], ids: Sequence[str], caps: Sequence[int], characters: str = ""
) -> type[BaseModel]:
    """``reply_type`` whose JSON schema allows exactly these ids, one line each, in order, caps
    each text at a generous length (a bound that stops a small model running on; the real limit
    is the reading-speed check) and any other string (the note) at NOTE_CAP, and, with
    ``characters`` (a regex class body), constrains the characters of each.

    The bound is written into the pattern too: llama.cpp's schema converter ignores minLength
    and maxLength on a string that has a pattern, so ``^[...]*$`` alone let a reply run on."""

    def schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        base = reply_type.model_json_schema(*args, **kwargs)
        item_ref = base["properties"]["lines"]["items"]["$ref"].split("/")[-1]
        item = base["$defs"][item_ref]
        items = []
        others = {name: bounded_string(0, NOTE_CAP, characters) for name in item["properties"]}
        for line_id, cap in zip(ids, caps, strict=True):
            properties = {
                **others,
                "id": {"const": line_id, "type": "string"},
                "text": bounded_string(1, cap, characters),
            }
            fixed = {**item, "properties": properties, "additionalProperties": False}
            fixed["required"] = list(item["properties"])  # every field, so the grammar always writes them
            items.append(fixed)
        lines = {"type": "array", "prefixItems": items, "minItems": len(ids), "maxItems": len(ids)}
        return {**base, "properties": {"lines": lines}, "$defs": {}, "additionalProperties": False}

    return type(reply_type.__name__, (reply_type,), {"model_json_schema": classmethod(schema)})


def bounded_string(least: int, most: int, characters: str = "") -> dict[str, Any]:
    """A string schema of ``least`` to ``most`` characters, from ``characters`` when given."""
    schema: dict[str, Any] = {"type": "string", "minLength": least, "maxLength": most}
    if characters:
        schema["pattern"] = f"^[{characters}]{{{least},{most}}}$"
    return schema


def reply_tokens(schema: dict[str, Any], counting: Counting) -> int:
    """The tokens of the longest reply ``schema`` (a ``pinned`` one) allows, written by a model
    in a script counted as ``counting``: what a request must allow so no valid reply is cut off."""
    per_char = CHARS_PER_TOKEN[counting]
    total = REPLY_OVERHEAD_TOKENS
    for item in schema["properties"]["lines"]["prefixItems"]:
        total += LINE_OVERHEAD_TOKENS
        for name, field in item["properties"].items():
            if "const" in field:
                continue  # the id: in the overhead
            if "maxLength" not in field:
                raise ValueError(f"the reply field {name!r} has no maxLength: a model could write it without end")
            total += math.ceil(field["maxLength"] / per_char)
    return total
