"""Composition by framing: where each figure stands, how big, which way it turns.

Numbers are frame pixels (1296x2304). Every face is placed inside SAFE_BOX so platform
UI never covers it; bodies may run down behind the captions, as they do in live action.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from microdrama.visuals.canvas import Point
from microdrama.visuals.characters import Pose, feet_below_head
from microdrama.visuals.request import SAFE_BOX, Figure, FrameRequest

SAFE_X = (SAFE_BOX[0] + SAFE_BOX[2]) / 2  # 610: the centre of what the viewer can see unobstructed


@dataclass(frozen=True)
class Camera:
    """How the background is seen: zoom around a focus, and depth-of-field blur (0 = sharp)."""

    zoom: float
    focus: Point
    blur: float
    most: int  # how many figures this framing shows


CAMERAS: dict[str, Camera] = {
    "wide": Camera(1.0, (648, 1152), 0.0, 5),
    "medium": Camera(1.35, (620, 1150), 0.0, 3),
    "two_shot": Camera(1.2, (620, 1150), 0.0, 2),
    "over_the_shoulder": Camera(1.45, (700, 1100), 1.2, 2),
    "close_up": Camera(1.8, (610, 1000), 2.5, 1),
    "extreme_close_up": Camera(2.4, (610, 1000), 4.0, 1),
    "insert": Camera(2.1, (620, 1250), 3.5, 0),
}


@dataclass(frozen=True)
class Placement:
    figure: Figure
    x: float  # head centre
    y: float
    unit: float  # head height
    pose: Pose
    turn: int

    @property
    def face_box(self) -> tuple[float, float, float, float]:
        """The part of the figure that must stay visible: the head, or the features in an ECU."""
        if self.unit > 900:  # an extreme close-up crops to brows, eyes and mouth
            return (
                self.x - 0.3 * self.unit,
                self.y - 0.2 * self.unit,
                self.x + 0.3 * self.unit,
                self.y + 0.42 * self.unit,
            )
        return self.x - 0.5 * self.unit, self.y - 0.6 * self.unit, self.x + 0.5 * self.unit, self.y + 0.52 * self.unit


def _stand(placement: Placement) -> Placement:
    """Children stand shorter: lower the head by the height they lack (busts only; full figures stand on the floor)."""
    if placement.figure.look.build != "small" or placement.pose == "full":
        return placement
    unit = placement.unit * 0.92
    return Placement(
        placement.figure, placement.x, placement.y + 0.9 * placement.unit, unit, placement.pose, placement.turn
    )


def _ordered(figures: tuple[Figure, ...]) -> list[Figure]:
    rank = {"left": 0, "center": 1, "right": 2, "foreground": 3}
    return sorted(figures, key=lambda f: rank[f.position])


def _focus(figures: tuple[Figure, ...]) -> Figure:
    return next(
        (f for f in figures if f.speaking), next((f for f in figures if f.position != "foreground"), figures[0])
    )


def _wide(figures: list[Figure]) -> list[Placement]:
    unit, feet = 96.0, 1770.0
    n = len(figures)
    spread = {1: 0.0, 2: 170.0, 3: 280.0}.get(n, 330.0)
    out = []
    for i, figure in enumerate(figures):
        x = SAFE_X + (spread * (2 * i / (n - 1) - 1) if n > 1 else 0)
        turn = 0 if n == 1 else (1 if x < SAFE_X - 10 else (-1 if x > SAFE_X + 10 else 0))
        back = n >= 3 and i % 2 == 1  # stagger a group in depth so it is not a police line-up
        size, ground = (unit * 0.88, feet - 70) if back else (unit, feet)
        out.append(Placement(figure, x, ground - feet_below_head(figure.look) * size, size, "full", turn))
    return sorted(out, key=lambda p: p.unit)  # farther (smaller) figures are drawn first


def _medium(figures: list[Figure]) -> list[Placement]:
    if len(figures) == 1:
        return [Placement(figures[0], SAFE_X, 900, 330, "bust", 0)]
    main = _focus(tuple(figures))
    others = [f for f in figures if f is not main]
    spots = [(330.0, 900.0, 1), (900.0, 880.0, -1)]
    out = [Placement(f, x, y, 240, "bust", turn) for f, (x, y, turn) in zip(others, spots, strict=False)]
    return [*out, Placement(main, SAFE_X + (40 if len(others) == 1 else 0), 960, 290, "bust", 0)]


def _two_shot(figures: list[Figure]) -> list[Placement]:
    if len(figures) < 2:
        return _medium(figures)
    left, right = figures[0], figures[1]
    placements = [Placement(left, 405, 1000, 255, "bust", 1), Placement(right, 820, 1000, 255, "bust", -1)]
    return sorted(placements, key=lambda p: p.figure.speaking)  # the speaker is drawn in front


def _over_the_shoulder(figures: tuple[Figure, ...]) -> list[Placement]:
    speaker = _focus(figures)
    listener = next((f for f in figures if f is not speaker), None)
    on_left = speaker.position != "left"  # the listener's back is on the side opposite the speaker
    x = 740.0 if on_left else 480.0
    placements = []
    if listener is not None:
        placements.append(Placement(listener, 200 if on_left else 1000, 1380, 640, "back", 0))
    placements.append(Placement(speaker, x, 930, 285, "bust", -1 if on_left else 1))
    return placements


def layout(request: FrameRequest) -> list[Placement]:
    """Placements back to front for the request's framing; a take after the first reframes them."""
    placements = _framed(request)
    return _retake(placements, request.take) if request.take > 1 and placements else placements


def _retake(placements: list[Placement], take: int) -> list[Placement]:
    """Another take of the same shot: the camera a little left or right, nearer or farther, and a
    lone figure turned, chosen by the take number; halved until every face stays in SAFE_BOX."""
    chance = random.Random(f"take:{take}")
    shift, zoom = chance.uniform(-90, 90), chance.uniform(0.88, 1.12)
    turn = chance.choice((-1, 0, 1)) if len(placements) == 1 else None
    for _ in range(4):
        moved = [
            replace(
                p,
                x=p.x + shift,
                unit=p.unit if p.pose == "full" else p.unit * zoom,  # a full figure keeps its feet on the floor
                turn=p.turn if turn is None or p.pose == "back" else turn,
            )
            for p in placements
        ]
        if all(_inside_safe(p.face_box) for p in moved if p.pose != "back"):
            return moved
        shift, zoom = shift / 2, 1 + (zoom - 1) / 2
    return [replace(p, turn=p.turn if turn is None or p.pose == "back" else turn) for p in placements]


def retake_camera(camera: Camera, take: int) -> Camera:
    """The set seen by another take: a little nearer, aimed a little aside (also for shots with nobody in them)."""
    if take <= 1:
        return camera
    chance = random.Random(f"take-camera:{take}")
    focus = (camera.focus[0] + chance.uniform(-80, 80), camera.focus[1] + chance.uniform(-60, 60))
    return replace(camera, zoom=camera.zoom * chance.uniform(1.05, 1.2), focus=focus)


def _inside_safe(box: tuple[float, float, float, float]) -> bool:
    return box[0] >= SAFE_BOX[0] and box[1] >= SAFE_BOX[1] and box[2] <= SAFE_BOX[2] and box[3] <= SAFE_BOX[3]


def _framed(request: FrameRequest) -> list[Placement]:
    figures = request.figures[: CAMERAS[request.framing].most]
    if not figures:
        return []
    framing = request.framing
    if framing == "wide":
        return _wide(_ordered(figures))
    if framing == "two_shot":
        return [_stand(p) for p in _two_shot(_ordered(figures))]
    if framing == "over_the_shoulder":
        return [_stand(p) if p.pose == "bust" else p for p in _over_the_shoulder(figures)]
    if framing == "close_up":
        return [Placement(_focus(figures), SAFE_X - 5, 950, 640, "bust", 0)]
    if framing == "extreme_close_up":
        return [Placement(_focus(figures), SAFE_X, 1080, 1450, "bust", 0)]
    placements = _medium(_ordered(figures))
    return [_stand(p) for p in placements] if len(placements) > 1 else placements


def face_boxes(request: FrameRequest) -> list[tuple[float, float, float, float]]:
    """Face boxes (frame pixels) of the figures facing camera: for tests and for aiming a push-in."""
    return [p.face_box for p in layout(request) if p.pose != "back"]
