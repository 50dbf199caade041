"""Translation through the text provider: faithful pass, adaptation pass, length-aware rewrite.

Lines go to the model a scene at a time (at most CHUNK_LINES), each with its id, speaker
and a character limit, together with the series, the episode summary, the lines just
before (context only) and only the glossary entries that occur in the chunk. The reply
schema pins the ids, in order, so the embedded model cannot merge, split or drop lines;
a remote model that does is caught by the check and repairs its reply.

Only lines that need it are sent: a line whose source text and glossary entries are
unchanged since it was translated keeps its translation, and a line a person edited is
never overwritten (its problems are reported by qc instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import BaseModel

from microdrama.localize.cleanup import tidy, without_run_on
from microdrama.localize.glossary import adherence_problems, contains
from microdrama.localize.languages import Language
from microdrama.localize.model import (
    EpisodeTranslation,
    Glossary,
    GlossaryEntry,
    TranslatedLine,
    entries_key,
    text_hash,
)
from microdrama.localize.replies import AdaptedReply, Reply, ReplyLine, pinned, reply_tokens, text_cap
from microdrama.model.common import LineKind
from microdrama.providers.gateway import Gateway, StructuredOutputError
from microdrama.render.layout import is_cjk
from microdrama.write.llm.prompts import Prompt, as_json, load_prompt

CHUNK_LINES = 10
CONTEXT_LINES = 3
SHORTEN_ROUNDS = 2
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SourceLine:
    id: str  # shot id . line index
    speaker: str  # display name, for the translator
    kind: LineKind
    text: str
    scene: str
    max_units: float  # what the line may count in the target language (reading speed x its time)
    speaker_id: str = ""  # the character id (or NARRATOR) whose voice dubs it


@dataclass
class Translator:
    gateway: Gateway
    source: Language
    target: Language
    glossary: Glossary | None
    series: str
    adapt: bool = True
    prompts: dict[str, Prompt] | None = None
    warnings: list[str] = field(default_factory=list)  # refining passes that failed, for the user

    def __post_init__(self) -> None:
        if self.prompts is None:
            root = getattr(self.gateway, "root", None)
            self.prompts = {name: load_prompt(name, root) for name in ("translate", "adapt", "shorten")}

    # -- what needs work ------------------------------------------------------------------------

    def entries_for(self, text: str) -> list[GlossaryEntry]:
        return self.glossary.relevant(text) if self.glossary is not None else []

    def speaker_name(self, speaker: str) -> str:
        """The speaker as the target audience knows them (the glossary's form of the name)."""
        if self.glossary is not None:
            for entry in self.glossary.decided():
                if entry.source == speaker:
                    return entry.target
        return speaker

    def with_glossary_forms(self, text: str) -> str:
        """``text`` with each glossary source form replaced by its target form, as the model sees
        it: a small model copies "Shen Wan，你回来了？" far more reliably than it follows a table."""
        for entry in self.entries_for(text):
            spaced = entry.target if is_cjk(entry.target) else f" {entry.target} "  # a word among Han characters
            text = text.replace(entry.source, spaced)
        return re.sub(r" *([，。！？、：；“”]) *", r"\1", tidy(text))

    def is_current(self, line: SourceLine, done: TranslatedLine | None) -> bool:
        if done is None:
            return False
        if done.edited_by_person():
            return done.source == line.text  # a person's line stays until its source changes
        if done.fallback:
            return False  # a refining pass failed on it: try again (another model may be configured now)
        return done.source == line.text and done.glossary == entries_key(self.entries_for(line.text))

    # -- one episode ----------------------------------------------------------------------------

    def episode(
        self,
        number: int,
        summary: str,
        lines: Sequence[SourceLine],
        existing: EpisodeTranslation | None,
        progress: Progress | None = None,
    ) -> tuple[EpisodeTranslation, int]:
        """The episode's translation, and how many lines were sent to the model."""
        kept = {line.id: line for line in existing.lines} if existing is not None else {}
        result: dict[str, TranslatedLine] = {}
        todo = [line for line in lines if not self.is_current(line, kept.get(line.id))]
        for line in lines:
            if line.id not in {t.id for t in todo}:
                result[line.id] = kept[line.id]
        done = 0
        for chunk in self.chunks(todo):
            context = self.context_before(chunk[0], lines, result)
            for made in self.translate_chunk(number, summary, chunk, context):
                result[made.id] = made
            done += len(chunk)
            if progress is not None:
                progress(done, len(todo))
        ordered = [result[line.id] for line in lines]
        return EpisodeTranslation(episode=number, language=self.target.code, lines=ordered), len(todo)

    @staticmethod
    def chunks(lines: Sequence[SourceLine]) -> list[list[SourceLine]]:
        chunks: list[list[SourceLine]] = []
        for line in lines:
            if chunks and chunks[-1][-1].scene == line.scene and len(chunks[-1]) < CHUNK_LINES:
                chunks[-1].append(line)
            else:
                chunks.append([line])
        return chunks

    def context_before(
        self, first: SourceLine, lines: Sequence[SourceLine], done: dict[str, TranslatedLine]
    ) -> list[dict[str, str]]:
        index = next(i for i, line in enumerate(lines) if line.id == first.id)
        before = lines[max(0, index - CONTEXT_LINES) : index]
        context = []
        for line in before:
            item = {"speaker": self.speaker_name(line.speaker), "text": self.with_glossary_forms(line.text)}
            if line.id in done:
                item["translation"] = done[line.id].text
            context.append(item)
        return context

    # -- the passes -------------------------------------------------------------------------------

    def translate_chunk(
        self, number: int, summary: str, chunk: list[SourceLine], context: list[dict[str, str]]
    ) -> list[TranslatedLine]:
        assert self.prompts is not None
        entries = self.entries_for("\n".join(line.text for line in chunk))
        glossary = self.glossary_text(entries)
        messages = self.prompts["translate"].render(
            source_name=self.source.name,
            target_name=self.target.name,
            series=self.series,
            episode=number,
            summary=summary or "(no summary)",
            context=as_json(context) if context else "(this is where the episode starts)",
            glossary=glossary,
            max_hint=self.max_hint(),
            lines=as_json(
                [
                    {
                        "id": line.id,
                        "speaker": self.speaker_name(line.speaker),
                        "text": self.with_glossary_forms(line.text),
                        "max_characters": int(line.max_units),
                    }
                    for line in chunk
                ]
            ),
        )
        faithful = self.ask("localize.translate", messages, Reply, chunk, number)
        texts = {line.id: faithful[line.id].text for line in chunk}
        notes: dict[str, str] = {}
        fallbacks: dict[str, list[str]] = {line.id: [] for line in chunk}
        if self.adapt:
            messages = self.prompts["adapt"].render(
                source_name=self.source.name,
                target_name=self.target.name,
                series=self.series,
                glossary=glossary,
                lines=as_json(
                    [
                        {"id": line.id, "source": self.with_glossary_forms(line.text), "translation": texts[line.id]}
                        for line in chunk
                    ]
                ),
            )
            try:
                adapted = self.ask("localize.adapt", messages, AdaptedReply, chunk, number, refine=True)
            except StructuredOutputError as error:
                self.failed("adaptation", "the faithful translation", chunk, number, error, fallbacks)
            else:
                for line in chunk:
                    reply = adapted[line.id]
                    changed = reply.text.strip() != texts[line.id].strip()
                    if changed and self.may_replace(line, texts[line.id], reply.text):
                        notes[line.id] = getattr(reply, "note", "").strip() or "adapted"
                        texts[line.id] = reply.text
        texts = self.shorten(chunk, texts, glossary, number, fallbacks)
        for line in chunk:
            texts[line.id] = without_run_on(line.text, texts[line.id], partial(self.fits, line))
        return [
            TranslatedLine(
                id=line.id,
                speaker=self.speaker_name(line.speaker),
                kind=line.kind,
                source=line.text,
                text=tidy(texts[line.id]),
                faithful=tidy(faithful[line.id].text),
                note=notes.get(line.id, ""),
                fallback="; ".join(fallbacks[line.id]),
                glossary=entries_key(self.entries_for(line.text)),
                written=text_hash(tidy(texts[line.id])),
            )
            for line in chunk
        ]

    def shorten(
        self,
        chunk: list[SourceLine],
        texts: dict[str, str],
        glossary: str,
        number: int,
        fallbacks: dict[str, list[str]],
    ) -> dict[str, str]:
        """Lines longer than their reading-speed limit are rewritten shorter (at most twice)."""
        assert self.prompts is not None
        texts = dict(texts)
        for _ in range(SHORTEN_ROUNDS):
            long = [line for line in chunk if not self.fits(line, texts[line.id])]
            if not long:
                break
            messages = self.prompts["shorten"].render(
                target_name=self.target.name,
                glossary=glossary,
                lines=as_json(
                    [{"id": line.id, "text": texts[line.id], "max_characters": int(line.max_units)} for line in long]
                ),
            )
            try:
                shorter = self.ask("localize.shorten", messages, Reply, long, number, refine=True)
            except StructuredOutputError as error:
                self.failed("shortening", "its longer text", long, number, error, fallbacks)
                break
            for line in long:
                candidate = shorter[line.id].text
                shrinks = self.target.reading_units(candidate) < self.target.reading_units(texts[line.id])
                if shrinks and self.may_replace(line, texts[line.id], candidate):
                    texts[line.id] = candidate
        return texts

    def fits(self, line: SourceLine, text: str) -> bool:
        return self.target.reading_units(text) <= line.max_units

    def shorter(self, line_id: str, text: str, share: float, number: int) -> str:
        """``text`` rewritten to about ``share`` of its length (for a dubbed line too long to say in time)."""
        assert self.prompts is not None
        limit = max(1.0, self.target.reading_units(text) * share)
        line = SourceLine(line_id, "", "dialogue", text, "", limit)
        messages = self.prompts["shorten"].render(
            target_name=self.target.name,
            glossary=self.glossary_text(self.entries_for(text)),
            lines=as_json([{"id": line_id, "text": text, "max_characters": int(limit)}]),
        )
        try:
            reply = self.ask("localize.shorten", messages, Reply, [line], number, refine=True)
        except StructuredOutputError as error:
            self.failed("shortening for the dub", "its text", [line], number, error)
            return text  # the dub stretches what there is, and its report shows any overflow
        candidate = tidy(reply[line_id].text)
        return candidate if self.may_replace(line, text, candidate) else text

    def failed(
        self,
        what: str,
        keeps: str,
        lines: Sequence[SourceLine],
        number: int,
        error: StructuredOutputError,
        fallbacks: dict[str, list[str]] | None = None,
    ) -> None:
        """A refining pass gave no usable reply for ``lines``: they keep ``keeps``. Recorded on each
        line (qc lists it) and as a warning; the run goes on, since the lines are usable as they are."""
        reason = f"{what} failed ({error.problem or error})"
        for line in lines:
            if fallbacks is not None:
                fallbacks[line.id].append(f"{reason}; kept {keeps}")
        ids = [line.id for line in lines]
        which = ids[0] if len(ids) == 1 else f"{len(ids)} lines {ids[0]} … {ids[-1]}"
        self.warnings.append(f"episode {number}, {which}: {reason}; they keep {keeps}")

    def may_replace(self, line: SourceLine, current: str, candidate: str) -> bool:
        """Whether a refining pass (adapt, shorten) may replace ``current``: the candidate says
        something, in the target language, and keeps every glossary form ``current`` uses."""
        if not candidate.strip():
            return False
        if self.target.foreign_characters(candidate):
            return False
        forms = [entry.target for entry in (self.glossary.decided() if self.glossary else [])]
        return all(contains(candidate, form, self.target) for form in forms if contains(current, form, self.target))

    def ask(
        self,
        stage: str,
        messages: list[tuple[str, str]],
        reply_type: type[BaseModel],
        chunk: list[SourceLine],
        number: int,
        refine: bool = False,
    ) -> dict[str, ReplyLine]:
        """The reply's lines by id. A first pass must give usable lines (repaired, else it fails);
        a refining pass (``refine``) only needs the right ids: the caller keeps the lines it had
        wherever a refined one is worse (see ``may_replace``)."""
        ids = [line.id for line in chunk]
        by_id = {line.id: line for line in chunk}

        def same_ids(reply: BaseModel) -> list[str]:
            got = [item.id for item in reply.lines]  # type: ignore[attr-defined]
            if got == ids:
                return []
            return [
                f"the reply has {len(got)} lines with ids {got[:12]}; it must have exactly {len(ids)} lines with "
                f"the ids {ids}, in that order (never merge, split, skip or add lines)"
            ]

        def must(reply: BaseModel) -> list[str]:
            """What makes a reply unusable: lines merged, split, lost, empty or left untranslated."""
            problems = same_ids(reply)
            if problems:
                return problems
            for item in reply.lines:  # type: ignore[attr-defined]
                if not item.text.strip():
                    problems.append(f"line {item.id} is empty; translate it")
                elif foreign := self.target.foreign_characters(item.text):
                    problems.append(f"line {item.id} has {foreign[:20]!r}, not {self.target.name}; translate it")
            return problems

        def should(reply: BaseModel) -> list[str]:
            """Also the glossary: asked for in repairs, but a model that cannot follow it still
            gives usable lines, and qc names each miss for the reviewer."""
            problems = must(reply)
            if problems:
                return problems
            return [
                f"line {item.id}: {problem}"
                for item in reply.lines  # type: ignore[attr-defined]
                for problem in adherence_problems(by_id[item.id].text, item.text, self.glossary, self.target)
            ]

        reply_type = pinned(reply_type, ids, [text_cap(line.max_units) for line in chunk], self.target.characters)
        budget = reply_tokens(reply_type.model_json_schema(), self.target.counting)
        options: dict[str, Any] = {"episode": number, "max_tokens": budget, "temperature": 0.2}
        if refine:
            reply = self.gateway.structured(stage, messages, reply_type, check=same_ids, **options)
            return {item.id: item for item in reply.lines}  # type: ignore[attr-defined]
        try:
            reply = self.gateway.structured(stage, messages, reply_type, check=should, **options)
        except StructuredOutputError:
            # The same first request again comes from the cache: its reply is kept if it is usable,
            # and failing that, if it has the right lines at all (qc then names what is wrong).
            try:
                reply = self.gateway.structured(stage, messages, reply_type, check=must, **options)
            except StructuredOutputError:
                reply = self.gateway.structured(stage, messages, reply_type, check=same_ids, **options)
        return {item.id: item for item in reply.lines}  # type: ignore[attr-defined]

    @staticmethod
    def glossary_text(entries: Sequence[GlossaryEntry]) -> str:
        if not entries:
            return "(none in these lines)"
        return as_json([{"source": entry.source, "write": entry.target} for entry in entries])

    def max_hint(self) -> str:
        if self.target.counting == "wide":
            return "the max_characters given (a full-width character counts 1, anything else half)"
        return "the max_characters given"
