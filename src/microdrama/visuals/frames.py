"""One still per shot: background by place and time, figures composed by framing.

``frame_request`` turns the script into a FrameRequest (pure data); ``draw_frame`` turns
that into a PNG. Keeping them apart lets the build hash the request, skip frames that
already exist and draw the rest in worker processes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from microdrama.model import NARRATOR, Bible, Location, LocationLook, Scene, Shot
from microdrama.visuals.canvas import SUPERSAMPLE, View, blurred, glow, save_png, vignette
from microdrama.visuals.characters import feet_below_head, figure_extent, paint_figure
from microdrama.visuals.exteriors import EXTERIORS
from microdrama.visuals.interiors import INTERIORS
from microdrama.visuals.layout import CAMERAS, Camera, Placement, layout, retake_camera
from microdrama.visuals.looks import bible_looks
from microdrama.visuals.palette import RGB, Tint, darker, hex_rgb, lighter, mix, rng, tint
from microdrama.visuals.pen import Pen
from microdrama.visuals.places import assign_location_look, resolve_setting
from microdrama.visuals.props import choose_prop, draw_prop
from microdrama.visuals.request import FRAME_SIZE, Figure, FrameRequest, Position
from microdrama.visuals.stage import HEIGHT, WIDTH, Stage

SHADOW: RGB = (18, 14, 30)


SS = SUPERSAMPLE
MASK_SCALE = 0.25  # shadows and the out-of-focus foreground are drawn at 1/4 of the frame
MASK_SIZE = (round(FRAME_SIZE[0] * MASK_SCALE), round(FRAME_SIZE[1] * MASK_SCALE))
Box = tuple[int, int, int, int]


@lru_cache(maxsize=8)
def _background(
    kind: str, palette: tuple[str, str, str], time: str, interior: bool, place: str, camera: Camera
) -> Image.Image:
    """The place at this time through this camera (cached: the shots of a scene share it)."""
    scale = MASK_SCALE if camera.blur else float(SS)
    view = View(WIDTH, HEIGHT, camera.zoom, camera.focus, scale)
    back, ground, accent = (hex_rgb(c) for c in palette)
    image = Image.new("RGB", view.pixels, back)
    stage = Stage(image, view, time, back, ground, accent, rng("place", place, kind), interior)
    (INTERIORS if interior else EXTERIORS)[kind](stage)
    if camera.blur:
        return blurred(image, camera.blur, FRAME_SIZE)
    return image.reduce(SS)


# Light on figures: warm lamplight indoors at night, cool moonlight outdoors; never as dark
# as the set, so faces stay readable on a phone.
FIGURE_LIGHT: dict[tuple[str, bool], Tint] = {
    ("night", True): (0.98, 0.86, 0.74),
    ("night", False): (0.88, 0.87, 0.96),
    ("dusk", True): (1.0, 0.9, 0.8),
    ("dusk", False): (1.0, 0.86, 0.74),
    ("dawn", True): (1.0, 0.94, 0.93),
    ("dawn", False): (1.0, 0.9, 0.9),
}


def _figure_light(request: FrameRequest, interior: bool) -> Tint:
    return FIGURE_LIGHT.get((request.time, interior), (1.0, 1.0, 1.0))


def _below(placement: Placement) -> float:
    return (HEIGHT - placement.y) / placement.unit + 0.3


def _paint(
    draw: ImageDraw.ImageDraw,
    placement: Placement,
    scale: float,
    origin: tuple[float, float],
    light: Tint,
    mono: bool = False,
) -> None:
    figure = placement.figure
    paint_figure(
        draw,
        ((placement.x - origin[0]) * scale, (placement.y - origin[1]) * scale),
        placement.unit * scale,
        figure.look,
        emotion=figure.emotion,
        speaking=figure.speaking,
        turn=placement.turn,
        pose=placement.pose,
        light=light,
        below=_below(placement),
        mono=mono,
    )


def _extent(placement: Placement) -> Box:
    half, top, bottom = figure_extent(placement.figure.look, placement.pose, _below(placement))
    u = placement.unit
    return (
        max(0, int(placement.x - half * u) - 2),
        max(0, int(placement.y - top * u) - 2),
        min(FRAME_SIZE[0], int(placement.x + half * u) + 3),
        min(FRAME_SIZE[1], int(placement.y + bottom * u) + 3),
    )


def _union(boxes: list[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _shadows(image: Image.Image, placements: list[Placement]) -> None:
    """Soft drop shadows on the wall behind busts and contact shadows under standing figures."""
    mask = Image.new("L", MASK_SIZE, 0)
    draw = ImageDraw.Draw(mask)
    for p in placements:
        if p.pose == "full":
            feet = (p.y + feet_below_head(p.figure.look) * p.unit) * MASK_SCALE
            rx, ry = p.unit * 0.8 * MASK_SCALE, p.unit * 0.2 * MASK_SCALE
            draw.ellipse((p.x * MASK_SCALE - rx, feet - ry, p.x * MASK_SCALE + rx, feet + ry), fill=190)
        elif p.pose == "bust":
            shifted = Placement(p.figure, p.x + p.unit * 0.08, p.y + p.unit * 0.04, p.unit, p.pose, p.turn)
            _paint(draw, shifted, MASK_SCALE, (0, 0), (1.0, 1.0, 1.0), mono=True)
    if mask.getbbox() is None:
        return
    mask = mask.filter(ImageFilter.GaussianBlur(3)).point(lambda v: round(v * 0.38))
    image.paste(SHADOW, (0, 0, *FRAME_SIZE), mask.resize(FRAME_SIZE, Image.Resampling.BILINEAR))


def _foreground_back(image: Image.Image, placement: Placement, light: Tint) -> None:
    """The listener of an over-the-shoulder shot: a dark, out-of-focus back and shoulder."""
    layer = Image.new("RGB", MASK_SIZE, (0, 0, 0))
    mask = Image.new("L", MASK_SIZE, 0)
    _paint(ImageDraw.Draw(layer), placement, MASK_SCALE, (0, 0), (0.42 * light[0], 0.42 * light[1], 0.46 * light[2]))
    _paint(ImageDraw.Draw(mask), placement, MASK_SCALE, (0, 0), light, mono=True)
    layer = layer.filter(ImageFilter.GaussianBlur(2.2)).resize(FRAME_SIZE, Image.Resampling.BILINEAR)
    mask = mask.filter(ImageFilter.GaussianBlur(2.2)).resize(FRAME_SIZE, Image.Resampling.BILINEAR)
    image.paste(layer, (0, 0), mask)


INSERT_BOX: Box = (0, 640, FRAME_SIZE[0], FRAME_SIZE[1])


def _insert(region: Image.Image, box: Box, request: FrameRequest, interior: bool) -> None:
    """A table top across the lower frame and one object on it (``region`` is ``box`` at SS)."""
    draw = ImageDraw.Draw(region)
    light = _figure_light(request, interior)
    palette = [hex_rgb(c) for c in request.location.palette]
    wood = tint(mix(palette[1], (150, 104, 70), 0.5), light)

    def p(x: float, y: float) -> tuple[float, float]:
        return (x - box[0]) * SS, (y - box[1]) * SS

    draw.polygon([p(-50, 1270), p(1350, 1210), p(1350, 2400), p(-50, 2400)], fill=wood)
    draw.line([p(-50, 1270), p(1350, 1210)], fill=lighter(wood, 0.2), width=4 * SS)
    seed = rng("insert", request.seed)
    for i in range(10):
        y = 1330 + i * 110 + seed.uniform(-20, 20)
        draw.line([p(-50, y), p(1350, y - 50)], fill=darker(wood, 0.2), width=2 * SS)
    prop = request.prop or choose_prop("", request.location.kind)
    cx, cy, unit = 610 + seed.uniform(-30, 30), 1250.0, 720.0
    draw.ellipse(
        (*p(cx - 0.48 * unit, cy + 0.34 * unit), *p(cx + 0.58 * unit, cy + 0.52 * unit)), fill=darker(wood, 0.3)
    )
    draw_prop(Pen(draw, *p(cx, cy), unit * SS, ink_width=0.012), prop, palette[2], light)
    if prop == "candle" and request.time in ("night", "dusk"):
        glow(region, p(cx, cy - 0.55 * unit), 420 * SS, (255, 190, 100), 0.45)


def render_frame(request: FrameRequest) -> Image.Image:
    """The frame as an image (FRAME_SIZE, RGB): background, figures back to front, vignette.

    The frame stays at 1x; only the box holding figures (or the insert's object) is
    enlarged to SUPERSAMPLE x with nearest-neighbour, painted and box-reduced, which
    anti-aliases the new edges and leaves every untouched pixel exactly as it was.
    """
    kind = request.location.kind
    interior = resolve_setting(request.setting, kind) == "INT"
    camera = retake_camera(CAMERAS[request.framing], request.take)
    palette = (request.location.palette[0], request.location.palette[1], request.location.palette[2])
    image = _background(kind, palette, request.time, interior, request.place or kind, camera).copy()
    light = _figure_light(request, interior)
    placements = layout(request)
    _shadows(image, placements)
    fronts = [p for p in placements if p.pose != "back"]
    boxes = [_extent(p) for p in fronts] + ([INSERT_BOX] if request.framing == "insert" else [])
    if boxes:
        box = _union(boxes)
        size = ((box[2] - box[0]) * SS, (box[3] - box[1]) * SS)
        region = image.crop(box).resize(size, Image.Resampling.NEAREST)
        draw = ImageDraw.Draw(region)
        for placement in fronts:
            _paint(draw, placement, SS, (box[0], box[1]), light)
        if request.framing == "insert":
            _insert(region, box, request, interior)
        image.paste(region.reduce(SS), box[:2])
    for placement in placements:
        if placement.pose == "back":
            _foreground_back(image, placement, light)
    return vignette(image, 0.42)


def draw_frame(request: FrameRequest, out: Path) -> None:
    """Draw the shot's frame to ``out`` (PNG, FRAME_SIZE), atomically."""
    save_png(render_frame(request), out)


def frame_request(shot: Shot, scene: Scene, bible: Bible) -> FrameRequest:
    """What the shot shows, from the script: who is in it, who speaks and how they feel.

    Characters are the shot's own list, else its speakers (a two-shot or over-the-shoulder
    with one of them takes its partner from the scene's cast); the first line's speaker is the
    one speaking (mouth open) unless the line is inner voice; each figure shows the emotion
    of its own first line in the shot. Sides follow the scene's cast order, so the same
    person stays on the same side in every shot of a scene (the 180-degree rule).
    """
    location = bible.location(scene.location) or Location(id=scene.location, name=scene.location)
    look: LocationLook = location.look or assign_location_look(location)
    setting = scene.setting if scene.setting != "INT/EXT" else location.setting
    setting = resolve_setting(setting, look.kind)
    looks = bible_looks(bible)
    ids = list(dict.fromkeys(shot.characters or [line.speaker for line in shot.lines if line.speaker != NARRATOR]))
    ids = [i for i in ids if i in looks]
    first = shot.lines[0] if shot.lines else None
    speaker = first.speaker if first is not None and first.speaker in ids else None
    if speaker is not None:  # the speaker is always among those shown
        ids.remove(speaker)
        ids.insert(0, speaker)
    if shot.framing in ("two_shot", "over_the_shoulder") and len(ids) == 1:  # the other one is in the scene
        ids += [c for c in scene.characters if c in looks and c not in ids][:1]
    ids = ids[: CAMERAS[shot.framing].most]
    cast = list(dict.fromkeys([*scene.characters, *(c.id for c in bible.characters)]))
    ranked = sorted(ids, key=cast.index)
    sides: list[Position] = ["left", "center", "right"] if len(ranked) >= 3 else ["left", "right"]
    figures = []
    for cid in ids:
        own = next((line for line in shot.lines if line.speaker == cid), None)
        position: Position = "center" if len(ranked) == 1 else sides[min(ranked.index(cid), len(sides) - 1)]
        if shot.framing == "over_the_shoulder" and cid != (speaker or ids[0]):
            position = "foreground"
        figures.append(
            Figure(
                look=looks[cid],
                emotion=own.emotion if own else "neutral",
                speaking=cid == speaker and first is not None and first.kind == "dialogue",
                position=position,
            )
        )
    prop = ""
    if shot.framing == "insert":
        prop = choose_prop(" ".join([shot.description, *(line.text for line in shot.lines)]), look.kind)
    return FrameRequest(
        framing=shot.framing,
        time=scene.time,
        setting=setting,
        location=look,
        figures=tuple(figures),
        seed=shot.id if shot.take == 1 else f"{shot.id}#{shot.take}",
        place=location.id,
        prop=prop,
        take=shot.take,
    )
