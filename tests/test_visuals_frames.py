"""Frames: deterministic PNGs, framing and emotion visible, characters consistent, faces in the safe area."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from microdrama.model import Line, Scene
from microdrama.visuals import (
    FRAME_SIZE,
    SAFE_BOX,
    Figure,
    FrameRequest,
    bible_looks,
    draw_frame,
    face_boxes,
    frame_request,
    render_frame,
)
from microdrama.visuals.frames import _background
from microdrama.visuals.layout import layout
from microdrama.visuals.palette import distance, hex_rgb
from tests.visuals_fixtures import shot, small_bible

FRAMINGS = ("wide", "medium", "two_shot", "over_the_shoulder", "close_up", "extreme_close_up")


def _scene(*shots_: object, time: str = "day") -> Scene:
    return Scene(
        id="1-1", location="chaguan", time=time, setting="INT", characters=["lanxin", "zhoupu"], shots=list(shots_)
    )


def _request(framing: str = "medium", emotion: str = "neutral", time: str = "day") -> FrameRequest:
    bible = small_bible()
    line = Line(speaker="lanxin", text="这客栈不卖。", emotion=emotion)
    the_shot = shot(1, framing, ("lanxin", "zhoupu"), (line,))
    return frame_request(the_shot, _scene(the_shot, time=time), bible)


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def _diff_box(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int] | None:
    changed = np.abs(_pixels(a) - _pixels(b)).sum(axis=2) > 24
    if not changed.any():
        return None
    ys, xs = np.nonzero(changed)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _inside(box: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


def test_same_request_gives_byte_identical_png(tmp_path: Path) -> None:
    request = _request("two_shot", "angry", "night")
    draw_frame(request, tmp_path / "a.png")
    _background.cache_clear()  # draw the background again from nothing
    draw_frame(request, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    with Image.open(tmp_path / "a.png") as image:
        assert image.size == FRAME_SIZE and image.mode == "RGB"
    assert not list(tmp_path.glob("*.tmp"))  # written atomically, no temp left behind


def test_framings_compose_differently() -> None:
    images = {framing: _pixels(render_frame(_request(framing))) for framing in ("wide", "medium", "close_up", "insert")}
    for a in images:
        for b in images:
            if a < b:
                assert np.abs(images[a] - images[b]).mean() > 12, (a, b)


def test_emotion_changes_only_the_face_and_it_is_in_the_safe_area() -> None:
    calm = render_frame(_request("close_up", "neutral"))
    for emotion in ("angry", "happy", "sad", "surprised"):
        changed = _diff_box(calm, render_frame(_request("close_up", emotion)))
        assert changed is not None, emotion
        (face,) = face_boxes(_request("close_up", emotion))
        assert _inside(changed, face), (emotion, changed, face)
        assert _inside(changed, SAFE_BOX), (emotion, changed)


@pytest.mark.parametrize("framing", FRAMINGS)
def test_faces_sit_inside_the_safe_area(framing: str) -> None:
    """Faces (and so every expression change) avoid the platform UI: top 8%, bottom 20%, right 12%."""
    boxes = face_boxes(_request(framing))
    assert boxes
    for box in boxes:
        assert _inside(box, SAFE_BOX), (framing, box)
    if framing in ("medium", "two_shot", "extreme_close_up"):
        changed = _diff_box(render_frame(_request(framing, "neutral")), render_frame(_request(framing, "surprised")))
        assert changed is not None and _inside(changed, SAFE_BOX), (framing, changed)


def _outfit_share(image: Image.Image, box: tuple[float, float, float, float], outfit: str) -> float:
    """Share of a region's pixels that are (nearly) exactly the outfit colour."""
    x0, y0, x1, y1 = (round(v) for v in box)
    region = _pixels(image.crop((x0, y0, x1, y1))).reshape(-1, 3)
    colours, counts = np.unique(region, axis=0, return_counts=True)
    target = hex_rgb(outfit)
    near = sum(int(n) for c, n in zip(colours, counts, strict=True) if distance(tuple(int(v) for v in c), target) < 4)
    return near / len(region)


def _torso(face: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    height = face[3] - face[1]
    return face[0], face[3] + 0.35 * height, face[2], face[3] + 1.0 * height


def test_a_character_looks_the_same_in_two_different_shots() -> None:
    """Her outfit colour fills her torso in a medium and in a two-shot; his never does."""
    looks = bible_looks(small_bible())
    hero, villain = looks["lanxin"], looks["zhoupu"]
    medium = _request("medium")
    for request in (dataclasses.replace(medium, figures=medium.figures[:1]), _request("two_shot")):
        image = render_frame(request)
        (placement,) = [p for p in layout(request) if p.figure.look == hero]
        torso = _torso(placement.face_box)
        assert _outfit_share(image, torso, hero.outfit) > 0.25, request.framing
        assert _outfit_share(image, torso, villain.outfit) < 0.02, request.framing


def test_frame_request_reads_the_script() -> None:
    bible = small_bible()
    looks = bible_looks(bible)
    spoken = shot(
        1,
        "over_the_shoulder",
        (),
        (Line(speaker="zhoupu", text="不卖？", emotion="surprised"), Line(speaker="lanxin", text="不卖。")),
    )
    request = frame_request(spoken, _scene(spoken, time="night"), bible)
    speaker, listener = request.figures
    assert speaker.look == looks["zhoupu"] and speaker.speaking and speaker.emotion == "surprised"
    assert listener.look == looks["lanxin"] and not listener.speaking and listener.position == "foreground"
    assert request.time == "night" and request.setting == "INT" and request.location.kind == "shop"
    assert request.seed == "1-1-1" and request.place == "chaguan"

    narration = shot(2, "wide", (), (Line(speaker="narrator", kind="narration", text="傍晚，河上起了雾。"),))
    assert frame_request(narration, _scene(narration), bible).figures == ()

    inner = shot(
        3, "close_up", ("lanxin",), (Line(speaker="lanxin", kind="inner", text="他在骗我。", emotion="afraid"),)
    )
    (figure,) = frame_request(inner, _scene(inner), bible).figures
    assert not figure.speaking and figure.emotion == "afraid"

    insert = shot(4, "insert", (), (), "她把蜡烛插在桌上，手却有点发抖。")
    assert frame_request(insert, _scene(insert), bible).prop == "candle"

    alone = shot(6, "over_the_shoulder", ("lanxin",), (Line(speaker="lanxin", text="走吧。"),))
    front, back = frame_request(alone, _scene(alone), bible).figures  # her partner comes from the scene
    assert front.look == looks["lanxin"] and back.look == looks["zhoupu"] and back.position == "foreground"

    stranger = shot(5, "medium", ("lanxin", "nobody"))
    assert [f.look for f in frame_request(stranger, _scene(stranger), bible).figures] == [looks["lanxin"]]


def test_two_shot_keeps_each_person_on_their_side() -> None:
    """The 180-degree rule: scene order, not who speaks, decides left and right."""
    bible = small_bible()
    first = shot(1, "two_shot", ("lanxin", "zhoupu"), (Line(speaker="lanxin", text="不卖。"),))
    second = shot(2, "two_shot", ("lanxin", "zhoupu"), (Line(speaker="zhoupu", text="不卖？"),))
    sides = []
    for one in (first, second):
        request = frame_request(one, _scene(first, second), bible)
        sides.append({f.look.outfit: f.position for f in request.figures})
    assert sides[0] == sides[1]


def test_location_alone_when_nobody_is_in_the_shot() -> None:
    empty = FrameRequest(framing="medium", time="dusk", setting="EXT", location=_request().location, place="chaguan")
    with_figure = dataclasses.replace(empty, figures=(Figure(look=bible_looks(small_bible())["lanxin"]),))
    assert face_boxes(empty) == []
    assert _diff_box(render_frame(empty), render_frame(with_figure)) is not None
