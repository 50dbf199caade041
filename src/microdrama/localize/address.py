"""Forms of address common in Chinese micro-dramas, with the usual rendering per market.

The table is data (data/localize/address.tsv), written for microdrama from subtitling
practice: English keeps a title where English has one ("Young Master", "Madam") and uses
the role otherwise; Japanese and Korean use their own honorifics of the same respect. A
language without a column gets no proposal: the translator chooses, the reviewer fixes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def forms_of_address() -> dict[str, dict[str, str]]:
    """source form -> {language code: target form}."""
    text = resources.files("microdrama").joinpath("data/localize/address.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    return {row[0]: {code: form for code, form in zip(header[1:], row[1:], strict=False) if form} for row in body}
