"""One project against a catalog: its nearest works with the passages that match, and how
unusual its tropes are there."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from microdrama.evaluate.catalog import Progress, WorkText, fingerprint_work, open_catalog, same_work_id
from microdrama.evaluate.similarity import Neighbour, nearest
from microdrama.evaluate.tropes import combination_rarity

NEIGHBOURS = 5
PASSAGES = 3


@dataclass
class Novelty:
    catalog: str
    works: int  # works compared with
    skipped: list[str]  # catalog entries that could not be read, and why
    novelty: float  # 1 - the nearest work's score: 1 is unlike anything in the catalog
    wording_only: bool  # too few works in the series' language for meaning: novelty from wording alone
    verdict: str  # the nearest relation in words
    neighbours: list[Neighbour]
    tropes: list[str]
    trope_rarity_bits: float  # -log2 of the smoothed share of works with all these tropes
    trope_rarity_max_bits: float  # what a combination no work shares would score
    thin_languages: list[str]  # fewer than MIN_GROUP works: only wording and shared names decide there


def compare_with_catalog(
    work: WorkText, catalog: Path, *, k: int = NEIGHBOURS, progress: Progress | None = None
) -> Novelty:
    """`work` (a series' text: catalog.series_text) against the works of the catalog folder."""
    loaded = open_catalog(catalog, progress=progress)
    index = loaded.index
    work = replace(work, work_id=same_work_id(work, catalog, [w.work_id for w in index.works]))
    fingerprinted = fingerprint_work(work)
    neighbours = nearest(fingerprinted, index, k=k, passages=PASSAGES)
    others = [tropes for w, tropes in zip(index.works, index.trope_sets(), strict=True) if w.work_id != work.work_id]
    related = [n for n in neighbours if n.relation != "different"]
    # Uncentred cosines of one language are all high: they say nothing of novelty there.
    wording_only = not index.centred_on_own_language(fingerprinted.language)
    nearest_score = max((n.minhash_jaccard if wording_only else n.score for n in neighbours), default=0.0)
    if related:
        verdict = "; ".join(f"{n.relation} of {n.work_id}" for n in related)
    else:
        verdict = "no near-copy, template, paraphrase or translation found"
    return Novelty(
        catalog=str(catalog),
        works=len(others),
        skipped=[str(s) for s in loaded.skipped],
        novelty=round(1.0 - max(0.0, min(1.0, nearest_score)), 4),
        wording_only=wording_only,
        verdict=verdict,
        neighbours=neighbours,
        tropes=list(fingerprinted.tropes),
        trope_rarity_bits=round(combination_rarity(fingerprinted.tropes, others), 3),
        trope_rarity_max_bits=round(math.log2(len(others) + 2), 3),
        thin_languages=index.thin_languages(),
    )
