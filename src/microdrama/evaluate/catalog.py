"""A catalog folder: the works in it, their saved index, and how alike they are.

A catalog is a folder of other works: microdrama project folders (with ``microdrama.toml``)
and script or novel files (.txt, .md, .epub, .docx) side by side. Anything else is skipped
with a warning naming it, and so is a work that cannot be read, so one broken file does
not stop the comparison.

The index (see evaluate.similarity) is kept in ``CATALOG/.microdrama/index``. Each work
carries the digest of what was fingerprinted, so adding ten works to a catalog of a
thousand embeds ten, and an unchanged catalog is loaded without embedding anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from microdrama.errors import MicrodramaError, ValidationError
from microdrama.evaluate.similarity import (
    INDEX_JSON,
    MAX_CHUNKS,
    CatalogIndex,
    Embedder,
    Fingerprint,
    default_embedder,
    fingerprint,
    work_digest,
)
from microdrama.model.bible import Bible
from microdrama.model.script import Episode
from microdrama.project.folder import CONFIG_NAME, Project

log = logging.getLogger(__name__)

SCRIPT_SUFFIXES = (".txt", ".md", ".markdown", ".epub", ".docx")
STATE_DIR = ".microdrama"  # inside the catalog: the index and the catalog report
Progress = Callable[[str, int, int], None]  # stage, done, total: as the build reports
STAGE = "fingerprint"


@dataclass(frozen=True)
class WorkText:
    """One work of a catalog (or the project being evaluated), as text to fingerprint."""

    work_id: str
    title: str
    text: str
    names: tuple[str, ...]  # the cast and places, masked along with the names found
    path: Path


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def project_text(root: Path, work_id: str | None = None) -> WorkText:
    """The script of the project at `root` as one text (see `series_text`)."""
    project = Project.open(root)
    bible = project.load_bible()
    episodes = project.load_episodes(bible)
    if not episodes:
        raise ValidationError(f"{root} has no episodes yet; run `microdrama adapt {root}` first")
    return series_text(root, bible, episodes, work_id)


def series_text(root: Path, bible: Bible, episodes: Sequence[Episode], work_id: str | None = None) -> WorkText:
    """A series' script as one text: episode titles, action lines and spoken lines; the cast
    and places are the names to mask."""
    parts: list[str] = []
    for episode in episodes:
        parts.append(episode.title)
        for shot in episode.shots():
            parts.append(shot.description)
            parts.extend(line.text for line in shot.lines)
    names = [c.name for c in bible.characters] + [a for c in bible.characters for a in c.aliases]
    names += [location.name for location in bible.locations]
    return WorkText(
        work_id=work_id or root.name,
        title=bible.series.title,
        text="\n".join(part for part in parts if part.strip()),
        names=tuple(names),
        path=root,
    )


def script_text(path: Path, work_id: str) -> WorkText:
    from microdrama.text.reader import source_text

    text, _ = source_text(path)
    return WorkText(work_id=work_id, title=path.stem, text=text, names=(), path=path)


def read_catalog(folder: Path) -> tuple[list[WorkText], list[Skipped]]:
    """Every readable work directly inside `folder`, in name order, and what was skipped."""
    if not folder.exists():
        raise ValidationError(f"{folder}: no such catalog folder")
    if not folder.is_dir():
        raise ValidationError(f"{folder} is a file, not a catalog folder: give the folder that holds the works")
    works: list[WorkText] = []
    skipped: list[Skipped] = []
    for entry in sorted(folder.iterdir(), key=lambda path: path.name):
        if entry.name.startswith("."):
            continue  # the catalog's own state, editors' and systems' hidden files
        try:
            if entry.is_dir() and (entry / CONFIG_NAME).is_file():
                works.append(project_text(entry, entry.name))
            elif entry.is_file() and entry.suffix.lower() in SCRIPT_SUFFIXES:
                works.append(script_text(entry, entry.name))
            else:
                kind = "folder" if entry.is_dir() else "file"
                skipped.append(
                    Skipped(entry.name, f"not a project folder or a {'/'.join(SCRIPT_SUFFIXES)} script ({kind})")
                )
        except MicrodramaError as error:
            skipped.append(Skipped(entry.name, str(error)))
        except OSError as error:
            skipped.append(Skipped(entry.name, f"cannot be read ({error.strerror or error})"))
    return works, skipped


def index_dir(folder: Path) -> Path:
    return folder / STATE_DIR / "index"


@dataclass(frozen=True)
class LoadedCatalog:
    index: CatalogIndex
    skipped: list[Skipped]
    embedded: int  # works fingerprinted now (the rest came from the saved index)
    saved: bool  # False when the index could not be written (a read-only catalog, say)


def open_catalog(
    folder: Path,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    max_chunks: int = MAX_CHUNKS,
    index_folder: Path | None = None,
) -> LoadedCatalog:
    """The catalog's index, brought up to date: new and changed works fingerprinted, gone ones dropped."""
    works, skipped = read_catalog(folder)
    if not works:
        listed = f" ({len(skipped)} entries skipped: {'; '.join(map(str, skipped[:3]))})" if skipped else ""
        raise ValidationError(
            f"{folder}: the catalog has no works{listed}; put project folders or .txt/.md scripts in it"
        )
    embedder = embedder or default_embedder()
    where = index_folder or index_dir(folder)
    previous = _load_quietly(where)
    reusable: dict[tuple[str, str], Fingerprint] = {}
    if previous is not None and previous.model_id == embedder.model_id:
        reusable = {(w.work_id, w.digest): previous.fingerprint(i) for i, w in enumerate(previous.works)}
    digests = {work.work_id: _digest(work, max_chunks, embedder) for work in works}
    to_embed = sum((work.work_id, digests[work.work_id]) not in reusable for work in works)
    prints: list[Fingerprint] = []
    embedded = 0
    for work in works:
        known = reusable.get((work.work_id, digests[work.work_id]))
        if known is not None:
            prints.append(known)
            continue
        if progress:
            progress(STAGE, embedded, to_embed)
        try:
            prints.append(fingerprint_work(work, embedder, max_chunks))
        except ValidationError as error:
            skipped.append(Skipped(work.work_id, str(error)))
        embedded += 1
    if progress and to_embed:
        progress(STAGE, embedded, to_embed)
    if not prints:
        raise ValidationError(f"{folder}: no work in the catalog has text to compare")
    unchanged = previous is not None and embedded == 0 and len(prints) == len(previous)
    index = previous if unchanged and previous is not None else CatalogIndex.build(prints)
    saved = True
    if not unchanged:
        try:
            index.save(where)
        except MicrodramaError as error:
            log.warning("the catalog index could not be saved (%s); it will be rebuilt next time", error)
            saved = False
    return LoadedCatalog(index=index, skipped=skipped, embedded=embedded, saved=saved)


def _digest(work: WorkText, max_chunks: int, embedder: Embedder) -> str:
    given = [name.strip() for name in work.names if name.strip()]
    return work_digest(work.text, given, max_chunks, embedder.model_id)


def _load_quietly(folder: Path) -> CatalogIndex | None:
    if not (folder / INDEX_JSON).exists():
        return None
    try:
        return CatalogIndex.load(folder)
    except ValidationError as error:
        log.info("rebuilding the catalog index: %s", error)
        return None


def fingerprint_work(work: WorkText, embedder: Embedder | None = None, max_chunks: int = MAX_CHUNKS) -> Fingerprint:
    return fingerprint(
        work.text, work.work_id, title=work.title, names=work.names, embedder=embedder, max_chunks=max_chunks
    )


def same_work_id(work: WorkText, catalog_folder: Path, catalog_ids: Sequence[str]) -> str:
    """The catalog's id for `work` when the work itself sits in the catalog, else its own id,
    so comparing a project with a catalog that holds it does not report it as its own copy."""
    try:
        relative = work.path.resolve().relative_to(catalog_folder.resolve())
    except ValueError:
        return work.work_id if work.work_id not in catalog_ids else f"{work.work_id} (evaluated)"
    return relative.parts[0] if relative.parts else work.work_id
