"""The project folder: a series is a folder, like a repository.

my-series/
  microdrama.toml     settings
  source/             the input text, untouched
  bible.yaml          series, characters, locations
  episodes/001.yaml   scenes, shots, lines
  build/              derived only; safe to delete
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from microdrama.errors import ProjectError, ValidationError
from microdrama.model import NARRATOR, Bible, Episode
from microdrama.project.atomic import new_folder, write_text_atomic
from microdrama.project.config import ProjectConfig, check_paths_inside, load_config, new_config_text, update_config
from microdrama.project.transaction import finish_interrupted_change, project_change
from microdrama.project.yamlio import load_yaml, problem, save_model, validate

CONFIG_NAME = "microdrama.toml"
BIBLE_HEADER = "Series bible written by `microdrama adapt`. Edit freely: comments and order are kept."
EPISODE_HEADER = "Episode script written by `microdrama adapt`. Edit freely; `microdrama show` checks it."


def episode_file_name(number: int) -> str:
    return f"{number:03d}.yaml"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def bible_path(self) -> Path:
        return self.root / "bible.yaml"

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def out_dir(self) -> Path:
        return self.build_dir / "out"

    def display(self, path: Path) -> str:
        """A path as the user should read it in messages: relative to the project."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    # -- opening and creating ------------------------------------------------------------

    @classmethod
    def open(cls, root: Path) -> Project:
        if not root.exists():
            raise ProjectError(f"{root}: no such project folder; create one with `microdrama init {root} --from STORY`")
        if not (root / CONFIG_NAME).is_file():
            raise ProjectError(
                f"{root} is not a microdrama project (no {CONFIG_NAME}); create one with `microdrama init`"
            )
        finish_interrupted_change(root)  # an adapt killed while replacing files: all old or all new again
        return cls(root)

    @classmethod
    def create(cls, root: Path, config: ProjectConfig, source_file: Path | None, force: bool = False) -> Project:
        """Create the folder with its settings and an untouched copy of the source (if there is one).

        The project is assembled in a temporary sibling folder and renamed into place,
        so a failure leaves nothing half-made, and --force replaces an old project whole.
        """
        if root.exists() and not force:
            kind = "project" if (root / CONFIG_NAME).exists() else "folder"
            raise ProjectError(f"{root}: this {kind} already exists; choose another name or add --force to replace it")
        if root.exists() and not (root / CONFIG_NAME).exists() and any(root.iterdir()):
            raise ProjectError(f"{root} is a non-empty folder that is not a microdrama project; refusing to replace it")
        made = [folder for folder in (root.parent, *root.parent.parents) if not folder.exists()]
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            staging = new_folder(root.parent, f".{root.name}.")  # becomes the project: the umask's mode
        except OSError as error:
            for folder in made:  # deepest first: only the folders this call made, and only if empty
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise ProjectError(f"cannot create {root}: {error.strerror}; check permissions and free space") from error
        try:
            (staging / "source").mkdir()
            (staging / "episodes").mkdir()
            if source_file is not None:
                shutil.copyfile(source_file, staging / config.source.files[0])
            write_text_atomic(staging / CONFIG_NAME, new_config_text(config))
            if root.exists():
                retired = Path(tempfile.mkdtemp(prefix=f".{root.name}.old.", dir=root.parent))
                os.replace(root, retired / root.name)
                os.replace(staging, root)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                os.replace(staging, root)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise ProjectError(f"cannot create {root}: {error.strerror}; check permissions and free space") from error
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return cls(root)

    # -- reading ---------------------------------------------------------------------------

    def load_config(self) -> ProjectConfig:
        display = self.display(self.config_path)
        config = load_config(self.config_path, display)
        check_paths_inside(config, self.root, self.config_path, display)
        return config

    def has_bible(self) -> bool:
        return self.bible_path.exists()

    def load_bible(self) -> Bible:
        if not self.bible_path.exists():
            raise ProjectError(f"{self.root} has no bible.yaml yet; run `microdrama adapt {self.root}` first")
        display = self.display(self.bible_path)
        return validate(Bible, load_yaml(self.bible_path, display), display, "bible")

    def episode_paths(self) -> list[Path]:
        if not self.episodes_dir.is_dir():
            return []
        return sorted(p for p in self.episodes_dir.glob("*.yaml") if p.stem.isdigit())

    def load_episode(self, path: Path, bible: Bible) -> Episode:
        display = self.display(path)
        document = load_yaml(path, display)
        episode = validate(Episode, document, display, "episode")
        if path.stem.isdigit() and int(path.stem) != episode.number:
            # The file name is the episode's address (the board, build/out, takes): they must agree.
            raise ValidationError(
                problem(
                    display,
                    document,
                    ("number",),
                    f"episode {episode.number} is in {path.name}; set number: {int(path.stem)} "
                    f"or rename the file to {episode_file_name(episode.number)}",
                )
            )
        check_references(episode, bible, document, display)
        return episode

    def load_episodes(self, bible: Bible) -> list[Episode]:
        episodes = [self.load_episode(path, bible) for path in self.episode_paths()]
        numbers = [episode.number for episode in episodes]
        if len(set(numbers)) != len(numbers):
            raise ValidationError(f"{self.display(self.episodes_dir)}: two files have the same episode number")
        return sorted(episodes, key=lambda episode: episode.number)

    # -- writing ---------------------------------------------------------------------------

    def save_bible(self, bible: Bible) -> None:
        save_model(self.bible_path, bible, BIBLE_HEADER)

    def save_episode(self, episode: Episode) -> Path:
        path = self.episodes_dir / episode_file_name(episode.number)
        save_model(path, episode, EPISODE_HEADER)
        return path

    def replace_series(
        self, bible: Bible, episodes: list[Episode], settings: dict[str, dict[str, object]] | None = None
    ) -> list[Path]:
        """Write the bible, every episode (removing the files of episodes no longer in the series),
        changed settings and adapt's record of what it wrote, as one change: a crash or a full disk
        leaves the old series or the new one, never a mix. Returns the files written."""
        keep = {episode_file_name(episode.number) for episode in episodes}
        written = [self.bible_path, *(self.episodes_dir / episode_file_name(e.number) for e in episodes)]
        with project_change(self.root) as change:
            save_model(change.path("bible.yaml"), bible, BIBLE_HEADER)
            for episode in episodes:
                save_model(change.path(f"episodes/{episode_file_name(episode.number)}"), episode, EPISODE_HEADER)
            for stale in self.episode_paths():
                if stale.name not in keep:
                    change.remove(f"episodes/{stale.name}")
            for section, values in (settings or {}).items():
                update_config(change.path(CONFIG_NAME), section, values)
            hashes = {self.display(path): _sha256(change.path(self.display(path))) for path in written}
            manifest = self.display(self._written_manifest)
            write_text_atomic(change.path(manifest), json.dumps(hashes, indent=1, sort_keys=True))
        return written

    # -- hand edits --------------------------------------------------------------------------
    # adapt remembers the hash of every file it wrote, so a second adapt can tell which
    # files a person has edited since and refuse to overwrite them without --force.

    @property
    def _written_manifest(self) -> Path:
        return self.build_dir / "state" / "adapt-written.json"

    def update_bible(self, bible: Bible) -> None:
        """Save a bible that a later stage completed (looks, voices) without making it count
        as a hand edit: if adapt's record matched the file, it is moved to the new content."""
        display = self.display(self.bible_path)
        recorded = self._recorded()
        untouched = self.bible_path.exists() and recorded.get(display) == _sha256(self.bible_path)
        self.save_bible(bible)
        if untouched:
            recorded[display] = _sha256(self.bible_path)
            write_text_atomic(self._written_manifest, json.dumps(recorded, indent=1, sort_keys=True))

    def _recorded(self) -> dict[str, str]:
        try:
            recorded = json.loads(self._written_manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        return recorded if isinstance(recorded, dict) else {}

    def hand_edited(self) -> list[str]:
        """Project files changed since the last adapt wrote them (or never written by adapt)."""
        recorded = self._recorded()
        candidates = [self.bible_path, *self.episode_paths()]
        return [
            self.display(path)
            for path in candidates
            if path.exists() and recorded.get(self.display(path)) != _sha256(path)
        ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_references(episode: Episode, bible: Bible, document: object, display: str) -> None:
    """Every speaker, character and location id an episode names must exist in the bible."""
    characters = {c.id for c in bible.characters}
    locations = {loc.id for loc in bible.locations}
    known = ", ".join(sorted(characters)[:8]) or "none"
    problems: list[str] = []
    for s, scene in enumerate(episode.scenes):
        if scene.location not in locations:
            problems.append(
                problem(
                    display,
                    document,
                    ("scenes", s, "location"),
                    f"unknown location '{scene.location}'; use a location id from bible.yaml",
                )
            )
        for c, character in enumerate(scene.characters):
            if character not in characters:
                problems.append(
                    problem(
                        display,
                        document,
                        ("scenes", s, "characters", c),
                        f"unknown character '{character}' (known: {known})",
                    )
                )
        for h, shot in enumerate(scene.shots):
            for c, character in enumerate(shot.characters):
                if character not in characters:
                    problems.append(
                        problem(
                            display,
                            document,
                            ("scenes", s, "shots", h, "characters", c),
                            f"unknown character '{character}' (known: {known})",
                        )
                    )
            for n, line in enumerate(shot.lines):
                if line.speaker != NARRATOR and line.speaker not in characters:
                    problems.append(
                        problem(
                            display,
                            document,
                            ("scenes", s, "shots", h, "lines", n, "speaker"),
                            f"unknown speaker '{line.speaker}'; use a character id from bible.yaml "
                            f"(known: {known}) or '{NARRATOR}'",
                        )
                    )
    if problems:
        shown = problems[:5]
        if len(problems) > 5:
            shown.append(f"... and {len(problems) - 5} more problem(s) in {display}")
        raise ValidationError("\n".join(shown))
