"""Terminal views of a series: the overview and one episode's script (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from microdrama.model import NARRATOR, Bible, Episode
from microdrama.model.common import FRAMING_LABELS


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_overview(console: Console, bible: Bible, episodes: list[Episode]) -> None:
    series = bible.series
    total = sum(e.seconds for e in episodes)
    facts = [
        f"[bold]{escape(series.title)}[/]  ({series.language}, {len(episodes)} episodes"
        f" × ~{series.minutes_per_episode:g} min, {total / 60:.1f} min in all)",
        f"Logline: {escape(series.logline)}" if series.logline else "",
        f"Genres: {escape(', '.join(series.genres) or '—')}   Tropes: {escape(', '.join(series.tropes) or '—')}",
        f"Paywall: after episode {series.paywall_episode}" if series.paywall_episode else "Paywall: none",
    ]
    console.print(Panel("\n".join(f for f in facts if f), title="Series", expand=False))

    lines_by_speaker: dict[str, int] = {}
    for episode in episodes:
        for line in episode.lines():
            lines_by_speaker[line.speaker] = lines_by_speaker.get(line.speaker, 0) + 1
    people = Table(title="Characters", show_lines=False)
    for column in ("id", "name", "aliases", "role", "gender", "age", "lines"):
        people.add_column(column, justify="right" if column == "lines" else "left")
    for character in bible.characters:
        people.add_row(
            character.id,
            escape(character.name) + (" (narrator)" if character.is_narrator else ""),
            escape(_clip(", ".join(character.aliases), 30)),
            character.role,
            character.gender,
            character.age,
            str(lines_by_speaker.get(character.id, 0)),
        )
    console.print(people)

    table = Table(title="Episodes")
    for column in ("#", "title", "sec", "scenes", "shots", "hook", "cliffhanger"):
        table.add_column(column, justify="right" if column in ("#", "sec", "scenes", "shots") else "left")
    for episode in episodes:
        marker = " [bold red]💰 PAYWALL[/]" if episode.is_paywall else ""
        table.add_row(
            str(episode.number),
            escape(_clip(episode.title, 18)),
            f"{episode.seconds:.0f}",
            str(len(episode.scenes)),
            str(len(episode.shots())),
            escape(_clip(episode.hook.text, 28)),
            escape(_clip(episode.cliffhanger.text, 28)) + marker,
        )
    console.print(table)


def print_episode(console: Console, bible: Bible, episode: Episode) -> None:
    paywall = "  [bold red]PAYWALL[/]" if episode.is_paywall else ""
    console.rule(f"Episode {episode.number}: {escape(episode.title)} ({episode.seconds:.0f}s){paywall}")
    console.print(f"[dim]Hook ({episode.hook.shot}):[/] {escape(episode.hook.text)}")
    for scene in episode.scenes:
        location = bible.location(scene.location)
        place = location.name if location else scene.location
        cold = " [yellow](cold open)[/]" if scene.cold_open else ""
        console.print(f"\n[bold]{scene.id} {scene.setting} {escape(place)} — {scene.time.upper()}[/]{cold}")
        for shot in scene.shots:
            console.print(f"  [cyan]{shot.id} {FRAMING_LABELS[shot.framing]} {shot.camera} {shot.seconds:.1f}s[/]")
            if shot.description:
                console.print(f"    △ {escape(shot.description)}", style="italic")
            for line in shot.lines:
                who = bible.speaker_name(line.speaker)
                tag = {"narration": " (V.O.)", "inner": " (OS)"}.get(line.kind, "")
                mood = f" [{line.emotion}]" if line.emotion != "neutral" else ""
                style = "dim" if line.speaker == NARRATOR else ""
                console.print(f"    [bold]{escape(who)}{tag}[/]{escape(mood)}: {escape(line.text)}", style=style)
    console.print(f"\n[dim]Cliffhanger ({episode.cliffhanger.shot}):[/] {escape(episode.cliffhanger.text)}")
