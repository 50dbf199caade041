"""A small original cast and script for the visuals tests (a teahouse by a river, one night)."""

from __future__ import annotations

from microdrama.model import Beat, Bible, Character, Episode, Line, Location, Scene, Series, Shot


def small_bible() -> Bible:
    return Bible(
        series=Series(title="灯下茶馆", language="zh", minutes_per_episode=1.5, episode_count=1),
        characters=[
            Character(id="lanxin", name="兰心", role="protagonist", gender="female", age="young"),
            Character(id="zhoupu", name="周朴", role="antagonist", gender="male", age="adult"),
            Character(id="laoqin", name="老秦", role="supporting", gender="male", age="elder"),
            Character(id="dou", name="豆子", role="supporting", gender="male", age="child"),
            Character(id="shenniang", name="沈娘", role="minor", gender="female", age="adult"),
        ],
        locations=[
            Location(id="chaguan", name="河边茶馆", setting="INT"),
            Location(id="matou", name="旧码头", setting="EXT"),
        ],
    )


def shot(
    number: int,
    framing: str = "medium",
    characters: tuple[str, ...] = (),
    lines: tuple[Line, ...] = (),
    description: str = "",
) -> Shot:
    return Shot(
        id=f"1-1-{number}",
        framing=framing,
        characters=list(characters),
        lines=list(lines),
        description=description,
        seconds=2.0,
    )


def episode(shot_count: int, number: int = 1, paywall: bool = False) -> Episode:
    """An episode of ``shot_count`` shots cycling through framings and speakers."""
    framings = ("wide", "medium", "two_shot", "over_the_shoulder", "close_up", "insert", "extreme_close_up")
    cast = ("lanxin", "zhoupu")
    shots = []
    for i in range(1, shot_count + 1):
        speaker = cast[i % 2]
        lines = (Line(speaker=speaker, text=f"第{i}句：这客栈不卖，你回去告诉他。", emotion="angry"),) if i % 3 else ()
        shots.append(shot(i, framings[i % len(framings)], cast, lines, "兰心把蜡烛插在桌上" if i % 4 == 0 else ""))
    return Episode(
        number=number,
        title="雨夜来客",
        hook=Beat(shot=shots[0].id, text="这客栈不卖。"),
        cliffhanger=Beat(shot=shots[-1].id, text="他在威胁你。"),
        is_paywall=paywall,
        seconds=2.0 * shot_count,
        scenes=[Scene(id="1-1", location="chaguan", time="night", setting="INT", characters=list(cast), shots=shots)],
    )
