"""What the pages show, read from the project folder: episodes (parsed once per file change),
their build and localization status, the evaluation's numbers, and source passages."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from microdrama.build.casting import complete_cast
from microdrama.errors import MicrodramaError
from microdrama.evaluate.report import REPORT_VERSION
from microdrama.model.bible import Bible
from microdrama.model.common import SourceSpan
from microdrama.model.migrate import migrate
from microdrama.model.script import Episode
from microdrama.project.folder import Project, check_references
from microdrama.project.paths import OutsideProject, inside_project
from microdrama.project.yamlio import load_yaml
from microdrama.studio.edits import episode_path, file_version
from microdrama.timeline.files import read_timeline, timeline_path
from microdrama.timeline.model import Timeline


class _BoardNumbers(pydantic.BaseModel):
    """What board.html shows of an episode's entry in report.json."""

    number: int
    hook_latency_seconds: float | None
    cliffhanger_strength: float


@dataclass
class EpisodeCard:
    number: int
    title: str
    hook: str
    cliffhanger: str
    is_paywall: bool
    minutes: float
    built: bool
    localized: list[tuple[str, bool]]  # language code, approved (for the file as it is now)
    thumbnail: str | None  # project-relative frame of the hook shot, once built
    metrics: dict[str, Any] = field(default_factory=dict)  # from build/out/report.json, if evaluated


class ProjectState:
    """Reads the project for the pages; parsed files are cached by (mtime, size), so a board of
    100 episodes is parsed once, and a file edited anywhere is read again."""

    def __init__(self, root: Path) -> None:
        self.project = Project.open(root)
        self._lock = threading.Lock()
        self._parsed: dict[Path, tuple[tuple[int, int], Any]] = {}
        self._cast: tuple[Bible, Bible] | None = None  # (bible as parsed, copy with the cast completed)

    def _cached(self, path: Path, parse: Any) -> Any:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            hit = self._parsed.get(path)
            if hit is not None and hit[0] == key:
                return hit[1]
        value = parse(path)
        with self._lock:
            self._parsed[path] = (key, value)
        return value

    def warm_up(self) -> None:
        """Parse every episode and complete the cast now (in a background thread when the studio starts)."""
        try:
            self.episodes()
            self.cast_bible()
        except Exception:  # a broken file is reported when a page asks for it, with its line
            return

    def bible(self) -> Bible:
        return self._cached(self.project.bible_path, lambda _: self.project.load_bible())  # type: ignore[no-any-return]

    def cast_bible(self) -> Bible:
        """The bible with looks and voices completed as a build would (in memory only), for
        takes: completing a 60-character cast takes about a second, so it is done once per
        version of the file."""
        bible = self.bible()
        with self._lock:
            if self._cast is not None and self._cast[0] is bible:
                return self._cast[1]
        cast = bible.model_copy(deep=True)
        complete_cast(cast)
        with self._lock:
            self._cast = (bible, cast)
        return cast

    def episode(self, number: int) -> tuple[Episode, str]:
        """The episode and the version of its file (for the save's conflict check)."""
        path = episode_path(self.project, number)
        bible = self.bible()
        episode = self._cached(path, lambda p: self._load_episode(p, bible))
        return episode, file_version(path)

    def episodes(self) -> list[Episode]:
        bible = self.bible()
        loaded = [self._cached(p, lambda q: self._load_episode(q, bible)) for p in self.project.episode_paths()]
        return sorted(loaded, key=lambda e: e.number)

    def _load_episode(self, path: Path, bible: Bible) -> Episode:
        """Plain data first (read ten times faster than the round-trip nodes the CLI keeps to
        name lines in errors); any doubt, and the project's own loader reads the file again and
        reports the problem with its line."""
        try:
            document = load_yaml(path, self.project.display(path), plain=True)
            episode = Episode.model_validate(migrate(dict(document), "episode"))
            check_references(episode, bible, document, self.project.display(path))
            return episode
        except Exception:
            return self.project.load_episode(path, bible)

    def cards(self) -> list[EpisodeCard]:
        out = self.project.out_dir
        metrics = self._report_metrics()
        localized = self._localized()
        cards = []
        for episode in self.episodes():
            stem = out / f"ep{episode.number:03d}"
            cards.append(
                EpisodeCard(
                    number=episode.number,
                    title=episode.title,
                    hook=episode.hook.text,
                    cliffhanger=episode.cliffhanger.text,
                    is_paywall=episode.is_paywall,
                    minutes=round(episode.seconds / 60, 1),
                    built=stem.with_suffix(".mp4").is_file(),
                    localized=localized.get(episode.number, []),
                    thumbnail=self._thumbnail(episode.number, episode.hook.shot),
                    metrics=metrics.get(episode.number, {}),
                )
            )
        return cards

    def _report_metrics(self) -> dict[int, dict[str, Any]]:
        path = self.project.out_dir / "report.json"
        if not path.is_file():
            return {}
        try:
            report = self._cached(path, lambda p: json.loads(p.read_text(encoding="utf-8")))
            if report.get("report_version") != REPORT_VERSION:
                return {}  # made by another version: the board shows no numbers and says to evaluate
            shown = [_BoardNumbers.model_validate(entry) for entry in report["episodes"]]
            return {numbers.number: entry for numbers, entry in zip(shown, report["episodes"], strict=True)}
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return {}  # half-written, or not a report at all: likewise

    def _localized(self) -> dict[int, list[tuple[str, bool]]]:
        from microdrama.studio.review_l10n import approved_versions, languages_of

        found: dict[int, list[tuple[str, bool]]] = {}
        for code in languages_of(self.project):
            try:
                approved = approved_versions(self.project, code)
            except MicrodramaError:
                approved = {}  # a folder that is not a language microdrama knows: listed, never approved
            for path in sorted((self.project.root / "localize" / code).glob("*.yaml")):
                if path.stem.isdigit():
                    number = int(path.stem)
                    found.setdefault(number, []).append((code, approved.get(number, False)))
        return found

    def timeline(self, number: int) -> Timeline | None:
        """The built timeline of an episode (None before its first build, or if unreadable)."""
        path = timeline_path(self.project.out_dir, number)
        if not path.is_file():
            return None
        try:
            timeline: Timeline = self._cached(path, read_timeline)
        except MicrodramaError:
            return None
        return timeline

    def _thumbnail(self, number: int, shot: str) -> str | None:
        timeline = self.timeline(number)
        if timeline is None:
            return None
        clip = next((c for c in timeline.clips if c.shot == shot), timeline.clips[0])
        return str(clip.image)

    def passage(self, span: SourceSpan | None) -> str:
        """The source text a shot or line came from ('' when it has none or the source is gone)."""
        if span is None:
            return ""
        try:
            path = inside_project(self.project.root, span.file)
        except OutsideProject:
            return ""
        if not path.is_file():
            return ""
        from microdrama.text.reader import source_text

        text = self._cached(path, lambda p: source_text(p)[0])
        return str(text[span.start : span.end]).strip()


@dataclass
class LedgerLine:
    episode: str  # "3", or "series" for calls outside an episode (the bible, the outline)
    provider: str
    calls: int
    tokens: int
    cost: float
    currency: str


@dataclass
class LedgerSummary:
    lines: list[LedgerLine]
    totals: dict[str, float]  # currency -> total
    calls: int


def ledger_summary(root: Path) -> LedgerSummary:
    """The cost ledger's AI calls, totalled per episode and provider, and per currency."""
    from microdrama import api

    grouped: dict[tuple[str, str, str], LedgerLine] = {}
    totals: dict[str, float] = {}
    calls = api.ledger(root)
    for call in calls:
        episode = str(call.episode) if call.episode is not None else "series"
        key = (episode, call.provider, call.currency)
        line = grouped.setdefault(key, LedgerLine(episode, call.provider, 0, 0, 0.0, call.currency))
        line.calls += 1
        line.tokens += call.prompt_tokens + call.completion_tokens
        line.cost += call.cost
        totals[call.currency] = totals.get(call.currency, 0.0) + call.cost
    order = sorted(
        grouped.values(), key=lambda row: (row.episode != "series", int(row.episode) if row.episode.isdigit() else 0)
    )
    return LedgerSummary(lines=order, totals=totals, calls=len(calls))
