"""Frames and voices from AI providers: prompts from the bible, one seed and reference per character.

The procedural path stays the default; these run only when microdrama.toml names an
image or speech provider. Consistency across a series comes from three things the
bible already fixes: the character's description (in every prompt), a seed derived
from the character's id (the same in every shot), and a reference picture — the
character's own procedurally drawn close-up, or a file the bible's look points at —
passed to backends that accept one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microdrama.build.cache import Cache, artifact_key, file_is_whole
from microdrama.build.tasks import Task
from microdrama.model import NARRATOR, Bible, Scene, Shot
from microdrama.model.common import FRAMING_LABELS
from microdrama.providers.base import ImageRequest, Provider, SpeechRequest
from microdrama.providers.gateway import Estimate, Gateway

DEFAULT_IMAGE_SIZE = (768, 1344)  # a 9:16-ish size most diffusion models are trained on (multiples of 64)
TIME_WORDS = {"day": "daytime", "night": "night", "dawn": "dawn", "dusk": "dusk", "unknown": ""}
FRAMING_WORDS = {
    "wide": "wide establishing shot",
    "medium": "medium shot",
    "close_up": "close-up",
    "extreme_close_up": "extreme close-up",
    "two_shot": "two-shot",
    "over_the_shoulder": "over-the-shoulder shot",
    "insert": "insert shot of an object",
}
STYLE = "vertical 9:16 frame of a live-action short drama, cinematic lighting, consistent characters"


@dataclass(frozen=True)
class FramePrompt:
    prompt: str
    seed: int
    character: str | None  # whose reference picture goes with the request


def stable_seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") % 2_147_483_647


def take_seed(seed: int, take: int) -> int:
    """The seed of a later take: a different picture from the same prompt and reference."""
    return seed if take <= 1 else stable_seed(f"{seed}:take:{take}")


def shot_characters(shot: Shot) -> list[str]:
    speakers = [line.speaker for line in shot.lines if line.speaker != NARRATOR]
    return list(dict.fromkeys([*shot.characters, *speakers]))


def frame_prompt(shot: Shot, scene: Scene, bible: Bible, style: str = STYLE) -> FramePrompt:
    """The prompt of one shot: style, framing, place and time, who is in it and what happens."""
    parts = [style, FRAMING_WORDS.get(shot.framing, FRAMING_LABELS.get(shot.framing, shot.framing))]
    location = bible.location(scene.location)
    if location is not None:
        parts.append(f"{location.name}: {location.description}" if location.description else location.name)
    parts.append(TIME_WORDS.get(scene.time, ""))
    cast = [c for c in shot_characters(shot) if bible.character(c) is not None]
    for character_id in cast[:3]:
        character = bible.character(character_id)
        assert character is not None
        traits = ", ".join(t for t in (character.gender, character.age) if t != "unknown")
        detail = "; ".join(t for t in (traits, character.description) if t)
        parts.append(f"{character.name} ({detail})" if detail else character.name)
    if shot.description:
        parts.append(shot.description)
    emotions = [line.emotion for line in shot.lines if line.emotion != "neutral"]
    if emotions:
        parts.append(f"mood: {emotions[0]}")
    main = cast[0] if cast else None
    seed = stable_seed(main or f"{scene.location}:{shot.id}")
    return FramePrompt(". ".join(p.strip() for p in parts if p and p.strip()), seed, main)


def reference_shot(bible: Bible, character_id: str) -> tuple[Shot, Scene]:
    """A neutral close-up of one character alone, drawn procedurally as their reference picture."""
    shot = Shot(id="0-0-1", framing="close_up", characters=[character_id], seconds=1.0)
    location = bible.locations[0].id if bible.locations else "reference"
    return shot, Scene(id="0-0", location=location, time="day", characters=[character_id], shots=[shot])


def image_size(supported: tuple[str, ...]) -> tuple[int, int]:
    """The supported size closest to 9:16 (larger wins a tie); any size → DEFAULT_IMAGE_SIZE."""
    sizes = []
    for text in supported:
        width, _, height = text.lower().partition("x")
        if width.isdigit() and height.isdigit():
            sizes.append((int(width), int(height)))
    if not sizes:
        return DEFAULT_IMAGE_SIZE
    return min(sizes, key=lambda s: (abs(s[0] / s[1] - 9 / 16), -s[0] * s[1]))


def provider_voice(bible: Bible, speaker: str, voices: tuple[str, ...]) -> str:
    """A provider voice per character, fixed by cast order: the narrator takes the first."""
    if not voices:
        return "default"
    if speaker == NARRATOR or len(voices) == 1:
        return voices[0]
    ids = [c.id for c in bible.characters]
    index = ids.index(speaker) if speaker in ids else stable_seed(speaker)
    return voices[1 + index % (len(voices) - 1)]


class AIMedia:
    """Plans each frame and voice of a build: a procedural/builtin task, or a provider task when one is set."""

    def __init__(self, gateway: Gateway, cache: Cache) -> None:
        self.gateway = gateway
        self.cache = cache
        self.image = gateway.provider("frames")
        self.speech = gateway.provider("voices")
        self.size = DEFAULT_IMAGE_SIZE
        self.takes_reference = False
        self.style = STYLE
        self.voices: tuple[str, ...] = ()
        if self.image is not None:
            capabilities = self.image.capabilities()
            self.size = image_size(capabilities.image_sizes)
            self.takes_reference = capabilities.reference_images
            self.style = str(gateway.table(self.image.name).options().get("style", STYLE))
        if self.speech is not None:
            self.voices = self.speech.capabilities().voices

    @staticmethod
    def _identity(provider: Provider) -> dict[str, str]:
        return {"kind": provider.kind, "endpoint": provider.endpoint, "model": provider.model}

    def engine(self, stage: str) -> tuple[str, str]:
        """Who makes a stage's artifacts, for the dry-run table."""
        provider = {"frame": self.image, "voice": self.speech}.get(stage)
        if provider is not None:
            return provider.name, provider.model
        return {"voice": ("espeak-ng/Piper", ""), "frame": ("procedural", "")}.get(stage, ("procedural", ""))

    def frame(self, shot: Shot, scene: Scene, bible: Bible, episode: int, dry_run: bool) -> tuple[Path, Task]:
        from microdrama.visuals import frame_request

        if self.image is None:
            request = frame_request(shot, scene, bible)
            path = self.cache.path("frame", artifact_key("frame", request), ".png")
            kwargs: dict[str, Any] = {"request": request, "out": str(path)}
            return path, Task(f"frame:{shot.id}", "frame", "microdrama.build.work:draw_shot", kwargs, episode)
        prompt = frame_prompt(shot, scene, bible, self.style)
        seed = take_seed(prompt.seed, shot.take)
        reference = self.reference(bible, prompt.character, dry_run) if self.takes_reference else None
        inputs = {
            "provider": self._identity(self.image),
            "prompt": prompt.prompt,
            "seed": seed,
            "size": self.size,
            "reference": _file_hash(reference),
        }
        path = self.cache.path("frame", artifact_key("frame", inputs), ".png")
        kwargs = {
            "gateway": self.gateway.context(),
            "prompt": prompt.prompt,
            "seed": seed,
            "size": self.size,
            "reference": reference,
            "episode": episode,
            "out": str(path),
        }
        return path, Task(f"frame:{shot.id}", "frame", "microdrama.build.work:ai_frame", kwargs, episode)

    def reference(self, bible: Bible, character_id: str | None, dry_run: bool) -> str | None:
        """The character's procedurally drawn close-up (drawn here once, then cached), as a file path."""
        from microdrama.visuals import draw_frame, frame_request

        if character_id is None:
            return None
        shot, scene = reference_shot(bible, character_id)
        request = frame_request(shot, scene, bible)
        path = self.cache.path("frame", artifact_key("frame", request), ".png")
        if not file_is_whole(path) and not dry_run:
            draw_frame(request, path)
        return str(path) if file_is_whole(path) else None

    def voice(
        self, text: str, speaker: str, bible: Bible, where: str, episode: int, take: int = 1
    ) -> tuple[Path, Task]:
        from microdrama.audio import ENGINE_VERSION
        from microdrama.audio.casting import take_reading, voice_for_take
        from microdrama.build.casting import voice_for

        language = bible.series.language
        if self.speech is None:
            voice = voice_for_take(voice_for(bible, speaker), take)
            inputs = {"text": text, "voice": voice, "language": language, "engine": ENGINE_VERSION}
            wav = self.cache.path("voice", artifact_key("voice", inputs), ".wav")
            kwargs: dict[str, Any] = {
                "text": text,
                "voice": voice.model_dump(mode="json"),
                "language": language,
                "out": str(wav),
            }
            return wav, Task(f"voice:{where}", "voice", "microdrama.build.work:voice_line", kwargs, episode)
        name = provider_voice(bible, speaker, self.voices)
        speed = take_reading(take)[0]  # a later take asks for the line a little quicker or slower
        asked = {"text": text, "voice": name, "language": language, "provider": self._identity(self.speech)}
        wav = self.cache.path(
            "voice", artifact_key("voice", asked | ({"speed": speed} if speed != 1.0 else {})), ".wav"
        )
        kwargs = {
            "gateway": self.gateway.context(),
            "text": text,
            "voice": name,
            "language": language,
            "speed": speed,
            "episode": episode,
            "out": str(wav),
        }
        return wav, Task(f"voice:{where}", "voice", "microdrama.build.work:ai_voice", kwargs, episode)

    def estimate(self, task: Task) -> Estimate | None:
        """The provider cost of a planned task; None for procedural and builtin work."""
        if task.function.endswith(":ai_frame"):
            reference = task.kwargs["reference"]
            request = ImageRequest(
                prompt=task.kwargs["prompt"],
                width=task.kwargs["size"][0],
                height=task.kwargs["size"][1],
                seed=task.kwargs["seed"],
                reference=Path(reference).read_bytes() if reference else None,
            )
            return self.gateway.estimate_image("frames", request)
        if task.function.endswith(":ai_voice"):
            speech = SpeechRequest(
                text=task.kwargs["text"],
                voice=task.kwargs["voice"],
                language=task.kwargs["language"],
                speed=task.kwargs["speed"],
            )
            return self.gateway.estimate_speech("voices", speech)
        return None


def _file_hash(path: str | None) -> str | None:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else None
