"""The expert track: rubric scores recorded by people, one file per reviewer.

    reviews/<reviewer>.yaml   the five criteria of the rubric, 1-10 each with a comment

Platforms evaluate micro-dramas by "data plus expert evaluation"; the rubric follows the
criteria Chinese review bodies name (思想性, 艺术性, 观赏性, plus 创新性 and 合规性). The
report shows these scores beside the automatic metrics and never folds them into them:
a number a person gave and a number a script counted mean different things.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from microdrama.errors import UsageError
from microdrama.model.common import Strict
from microdrama.model.version import SCHEMA_VERSION
from microdrama.project.yamlio import load_yaml, save_model, validate

Criterion = Literal["thought", "artistry", "appeal", "innovation", "compliance"]
# id -> (the Chinese name reviewers use, what it asks)
CRITERIA: dict[Criterion, tuple[str, str]] = {
    "thought": ("思想性", "values and message: what the story says and rewards"),
    "artistry": ("艺术性", "craft: writing, performance, image and sound"),
    "appeal": ("观赏性", "watchability: hooks, pace, payoff, wanting the next episode"),
    "innovation": ("创新性", "originality: beyond the usual templates and tropes"),
    "compliance": ("合规性", "fit with content rules and platform review"),
}
REVIEWS_DIR = "reviews"
HEADER = (
    "microdrama expert review: one reviewer's rubric scores (1-10) with comments.\n"
    "Shown beside the automatic metrics in the report, never merged into them."
)
_UNSAFE = re.compile(r"[^\w-]+")


class Score(Strict):
    score: int = Field(ge=1, le=10, description="1 (poor) to 10 (outstanding)")
    comment: str = ""


class Review(Strict):
    schema_version: int = SCHEMA_VERSION
    reviewer: str = Field(min_length=1, max_length=80)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")
    scores: dict[Criterion, Score]
    note: str = Field(default="", description="Overall remarks")

    @model_validator(mode="after")
    def _complete(self) -> Review:
        missing = [name for name in CRITERIA if name not in self.scores]
        if missing:
            raise ValueError(f"the rubric needs a score for every criterion; missing: {', '.join(missing)}")
        if not self.reviewer.strip():
            raise ValueError("the reviewer's name cannot be blank")
        return self

    def mean(self) -> float:
        return sum(s.score for s in self.scores.values()) / len(self.scores)


def criterion_id(key: str) -> Criterion:
    """'innovation' or '创新性' -> 'innovation'."""
    cleaned = key.strip().lower()
    for name, (chinese, _) in CRITERIA.items():
        if cleaned in (name, chinese):
            return name
    known = ", ".join(f"{name} ({chinese})" for name, (chinese, _) in CRITERIA.items())
    raise UsageError(f"unknown criterion {key!r}: use one of {known}")


def reviewer_file(root: Path, reviewer: str) -> Path:
    """reviews/<name>.yaml with the name made safe for a file name (letters of any script kept)."""
    slug = _UNSAFE.sub("-", unicodedata.normalize("NFKC", reviewer).strip().lower()).strip("-_")[:60]
    if not slug:
        raise UsageError(f"the reviewer's name {reviewer!r} has no letters or digits; give a name")
    return root / REVIEWS_DIR / f"{slug}.yaml"


def record_review(
    root: Path,
    reviewer: str,
    scores: dict[Criterion, Score],
    note: str = "",
    when: date | None = None,
) -> tuple[Review, Path, bool]:
    """Write (or replace) `reviewer`'s review; returns it, its file and whether one was replaced."""
    try:
        review = Review(
            reviewer=reviewer.strip(),
            date=(when or date.today()).isoformat(),
            scores=scores,
            note=note,
        )
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise UsageError(f"the review is incomplete or invalid: {error}") from error
    path = reviewer_file(root, reviewer)
    replaced = path.exists()
    save_model(path, review, HEADER)
    return review, path, replaced


def load_reviews(root: Path) -> list[Review]:
    """Every review of the project, by reviewer name; a broken file is a ValidationError naming it."""
    folder = root / REVIEWS_DIR
    if not folder.is_dir():
        return []
    reviews = []
    for path in sorted(folder.glob("*.yaml")):
        display = str(path.relative_to(root))
        document = load_yaml(path, display)
        if isinstance(document, dict):
            document.setdefault("schema_version", SCHEMA_VERSION)
        reviews.append(validate(Review, document, display, "review"))
    return sorted(reviews, key=lambda review: review.reviewer)


def criterion_means(reviews: list[Review]) -> dict[Criterion, float]:
    if not reviews:
        return {}
    return {name: sum(r.scores[name].score for r in reviews) / len(reviews) for name in CRITERIA}


def check_scores_complete(scores: dict[Criterion, Score]) -> None:
    missing = [f"{name} ({CRITERIA[name][0]})" for name in CRITERIA if name not in scores]
    if missing:
        raise UsageError(
            f"scores missing for {', '.join(missing)}: give each with --score NAME=1..10 "
            "(or run the command in a terminal to be asked)"
        )


def parse_pairs(pairs: tuple[str, ...], what: str) -> dict[Criterion, str]:
    """('innovation=7', '创新性=8') -> {criterion: value}; the last one given wins."""
    parsed: dict[Criterion, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"{what} {pair!r} is not NAME=VALUE, e.g. innovation=7")
        parsed[criterion_id(key)] = value.strip()
    return parsed


def parse_score(value: str, criterion: Criterion) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 10:
        raise UsageError(
            f"the score for {criterion} ({CRITERIA[criterion][0]}) must be a whole number 1-10, not {value!r}"
        )
    return number
