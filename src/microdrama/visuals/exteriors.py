"""Exterior backgrounds: streets, water, nature, temples and halls, city, and a plain horizon.

Streets use true one-point perspective (facades recede to a vanishing point on the
horizon) because the eye reads depth from converging lines faster than from detail.
"""

from __future__ import annotations

from microdrama.visuals.canvas import Point
from microdrama.visuals.palette import LAMP, RGB, SKY, darker, lighter, mix
from microdrama.visuals.stage import HEIGHT, HORIZON, Stage

VPX = 620.0
CAM = 400.0  # camera height in world units: a person's eye level in a street


def _p(x: float, y: float, z: float) -> Point:
    """Ground-plane perspective: lateral x, height y, depth z -> world pixel."""
    return VPX + x / z, HORIZON + (CAM - y) / z


def _fog(stage: Stage, colour: RGB, z: float) -> RGB:
    """Far things fade towards the horizon sky (aerial perspective)."""
    horizon = SKY.get(stage.time, SKY["day"])[2]
    return mix(stage.lit(colour), horizon, min(0.75, max(0.0, (z - 1.2) / 14)))


def _ground(stage: Stage, colour: RGB) -> None:
    stage.gradient(HORIZON - 2, HEIGHT + 1500, (stage.lit(darker(colour, 0.1)), stage.lit(lighter(colour, 0.06))))


def _facade(stage: Stage, side: int, z0: float, z1: float, height: float, wall: RGB, index: int) -> None:
    x = side * 520
    face = [_p(x, 0, z0), _p(x, 0, z1), _p(x, height, z1), _p(x, height, z0)]
    colour = _fog(stage, wall, z1)
    stage.poly(face, colour, 2)
    roof = _fog(stage, mix(wall, (60, 56, 70), 0.6), z1)
    if z0 >= 1.8:  # a tiled eave on far houses; near ones would slash across the sky
        eave = [
            _p(x - side * 90, height - 40, z0),
            _p(x - side * 90, height - 40, z1),
            _p(x, height + 60, z1),
            _p(x, height + 60, z0),
        ]
        stage.poly(eave, roof, 2)
    else:  # a cornice along the top of the wall
        band = [_p(x, height - 70, z0), _p(x, height - 70, z1), _p(x, height, z1), _p(x, height, z0)]
        stage.poly(band, lighter(colour, 0.12), 2)
    # A door and a window or two, lit from inside after dark.
    lit_window = LAMP if stage.dark else _fog(stage, (70, 80, 96), z1)
    door_z0, door_z1 = z0 + (z1 - z0) * 0.15, z0 + (z1 - z0) * 0.45
    stage.poly(
        [_p(x, 0, door_z0), _p(x, 0, door_z1), _p(x, 430, door_z1), _p(x, 430, door_z0)],
        _fog(stage, darker(wall, 0.5), z1),
        2,
    )
    win_z0, win_z1 = z0 + (z1 - z0) * 0.58, z0 + (z1 - z0) * 0.85
    for y0, y1 in ((180, 400), (height - 420, height - 200)) if height > 900 else ((180, 400),):
        stage.poly([_p(x, y0, win_z0), _p(x, y0, win_z1), _p(x, y1, win_z1), _p(x, y1, win_z0)], lit_window, 2)
    if index % 2 == 0 and z0 < 6:
        sx, sy = _p(x - side * 60, 520, (z0 + z1) / 2)
        stage.lantern(sx, sy, 0.8 / ((z0 + z1) / 2) ** 0.9)


def street(stage: Stage) -> None:
    stage.sky(HORIZON)
    stage.celestial(280, 430)
    far = mix(stage.lit(stage.back), SKY.get(stage.time, SKY["day"])[2], 0.6)
    x = -400.0
    while x < 1700:  # distant roofs at the end of the street
        w = stage.rand.uniform(60, 140)
        h = stage.rand.uniform(40, 130)
        stage.poly(
            [
                (x, HORIZON + 5),
                (x, HORIZON - h),
                (x + w / 2, HORIZON - h - 25),
                (x + w, HORIZON - h),
                (x + w, HORIZON + 5),
            ],
            far,
            0,
        )
        x += w * 0.8
    _ground(stage, stage.ground)
    paving = stage.lit(darker(stage.ground, 0.22))
    for lateral in (-520, -380, -130, 130, 380, 520):
        stage.line([_p(lateral, 0, 0.3), _p(lateral, 0, 30)], paving, 2.5)
    for z in (0.45, 0.6, 0.8, 1.05, 1.4, 1.9, 2.6, 3.6, 5, 7, 10):
        stage.line([_p(-520, 0, z), _p(520, 0, z)], paving, 1.5)
    bounds = [14.0, 9.0, 6.0, 4.0, 2.7, 1.8, 1.2, 0.8, 0.5, 0.3]
    walls = [stage.back, mix(stage.back, stage.accent, 0.25), mix(stage.back, (240, 232, 220), 0.35)]
    for i in range(len(bounds) - 1):
        for side in (-1, 1):
            height = 1150 + 350 * stage.rand.random()
            _facade(stage, side, bounds[i + 1], bounds[i], height, walls[(i + side) % 3], i + (side > 0))
    for z in (5.0, 2.2, 1.0):
        for side in (-1, 1):
            bx, by = _p(side * 440, 0, z)
            stage.lamp_post(bx, by, 1.1 / z)


def water(stage: Stage) -> None:
    stage.sky(HORIZON)
    stage.celestial(320, 420)
    sky = SKY.get(stage.time, SKY["day"])
    stage.hills(HORIZON + 4, mix(stage.lit(stage.back), sky[2], 0.45), 110, 5)
    shore = 1640.0
    stage.gradient(HORIZON, shore, (mix(sky[2], stage.lit(stage.ground), 0.45), stage.lit(stage.ground)))
    ripple = mix(sky[2], (255, 255, 255), 0.3)
    for i in range(28):
        t = (i + 1) / 29
        y = HORIZON + (shore - HORIZON) * t**1.6
        x = stage.rand.uniform(-200, 1400)
        stage.line([(x, y), (x + 40 + 180 * t, y)], ripple, 2 + 4 * t)
    if stage.night or stage.time in ("dawn", "dusk"):
        cx = 320 if stage.night else 620
        shine = (250, 240, 210) if stage.night else (255, 210, 140)
        for i in range(14):
            y = HORIZON + 12 + i * 26
            half = 20 + i * 6 + stage.rand.uniform(-6, 6)
            stage.line([(cx - half, y), (cx + half, y)], shine, 4)
    _boat(stage, 880, 1430, 0.9)
    # The quay where people stand: stone edge and mooring posts.
    stone = stage.lit(stage.ground if sum(stage.ground) > 380 else (150, 140, 128))
    stage.gradient(shore, HEIGHT + 1500, (stage.lit(lighter((150, 140, 128), 0.1)), stage.lit((118, 108, 98))))
    stage.rect(-4000, shore - 14, 6000, shore + 24, lighter(stone, 0.15), 3)
    for i in range(-6, 8):
        stage.line([(620 + i * 170, shore + 24), (620 + i * 290, HEIGHT + 400)], darker(stone, 0.3), 2)
    for x in (140, 1110):
        stage.rect(x - 26, shore - 120, x + 26, shore + 10, stage.lit((96, 70, 52)), 3)
        stage.ellipse(x - 30, shore - 135, x + 30, shore - 105, stage.lit((120, 90, 66)), 3)


def _boat(stage: Stage, x: float, y: float, s: float) -> None:
    """A wooden sampan with an arched awning."""
    wood = stage.lit(mix(stage.accent, (110, 74, 48), 0.5))
    hull = [(x - 230 * s, y - 40 * s), (x + 250 * s, y - 50 * s), (x + 190 * s, y + 20 * s), (x - 170 * s, y + 20 * s)]
    stage.poly([(px, 2 * y + 40 * s - py) for px, py in hull], mix(wood, stage.lit(stage.ground), 0.6), 0)
    stage.poly(hull, wood, 3)
    awning = stage.lit((176, 150, 104))
    arch = [
        (x - 110 * s, y - 40 * s),
        (x - 100 * s, y - 120 * s),
        (x - 40 * s, y - 150 * s),
        (x + 40 * s, y - 150 * s),
        (x + 100 * s, y - 120 * s),
        (x + 110 * s, y - 40 * s),
    ]
    stage.poly(arch, awning, 3)
    for i in range(-2, 3):
        stage.line([(x + i * 40 * s, y - 145 * s), (x + i * 44 * s, y - 42 * s)], darker(awning, 0.2), 2)
    stage.line([(x + 250 * s, y - 50 * s), (x + 330 * s, y - 330 * s)], darker(wood, 0.3), 5 * s)


def _tree(stage: Stage, x: float, base: float, s: float, leaf: RGB) -> None:
    trunk = stage.lit((96, 70, 54))
    stage.poly(
        [(x - 18 * s, base), (x - 10 * s, base - 220 * s), (x + 10 * s, base - 220 * s), (x + 18 * s, base)], trunk, 2
    )
    for dx, dy, r in ((0, -300, 120), (-90, -230, 90), (90, -230, 95), (-40, -380, 90), (50, -370, 85)):
        stage.ellipse(x + (dx - r) * s, base + (dy - r) * s, x + (dx + r) * s, base + (dy + r) * s, leaf, 2)
    for dx, dy, r in ((-30, -330, 50), (-100, -250, 34)):
        stage.ellipse(x + (dx - r) * s, base + (dy - r) * s, x + (dx + r) * s, base + (dy + r) * s, lighter(leaf, 0.12))


def nature(stage: Stage) -> None:
    stage.sky(HORIZON)
    stage.celestial(300, 420)
    sky = SKY.get(stage.time, SKY["day"])
    stage.hills(HORIZON - 40, mix(stage.lit(stage.back), sky[2], 0.6), 330, 3)
    stage.hills(HORIZON + 10, mix(stage.lit(stage.back), sky[2], 0.3), 200, 4, 60)
    leaf = stage.lit(stage.accent)
    for i in range(9):
        _tree(stage, -100 + i * 190 + stage.rand.uniform(-40, 40), HORIZON + 30, 0.32, mix(leaf, sky[2], 0.35))
    _ground(stage, stage.ground)
    path = stage.lit(mix(stage.ground, (214, 196, 160), 0.55))
    stage.poly([_p(-60, 0, 40), _p(60, 0, 40), _p(420, 0, 0.38), _p(-300, 0, 0.38)], path, 0)
    grass = stage.lit(darker(stage.ground, 0.25))
    for _ in range(60):
        gx, gy = stage.rand.uniform(-200, 1500), stage.rand.uniform(HORIZON + 60, HEIGHT)
        h = 8 + (gy - HORIZON) * 0.03
        stage.line([(gx - h * 0.5, gy - h), (gx, gy), (gx + h * 0.5, gy - h * 1.2)], grass, 2 + h * 0.1)
    _tree(stage, -60, 1760, 1.7, leaf)
    _tree(stage, 1310, 1600, 1.2, darker(leaf, 0.1))


def building(stage: Stage) -> None:
    """A temple or a grand hall seen from its courtyard: steps, red pillars, upturned eaves."""
    stage.sky(HORIZON)
    stage.celestial(260, 380)
    _ground(stage, stage.ground)
    tile = stage.lit(darker(stage.ground, 0.2))
    for lateral in range(-1400, 1500, 200):
        stage.line([_p(lateral, 0, 0.3), _p(lateral, 0, 6)], tile, 2)
    for z in (0.45, 0.6, 0.8, 1.1, 1.5, 2.1, 3.0, 4.2):
        stage.line([_p(-1500, 0, z), _p(1500, 0, z)], tile, 1.5)
    z = 4.5
    wall = stage.lit(stage.back)
    left, right = -1900.0, 1900.0
    stage.rect(*_p(left - 150, 120, z), *_p(right + 150, 0, z), stage.lit(lighter(stage.ground, 0.15)))
    stage.rect(*_p(left, 1200, z), *_p(right, 120, z), wall)
    for i in range(7):  # lattice doors between the pillars
        x0 = left + 90 + i * 530
        dx0, dy0 = _p(x0 + 60, 1050, z)
        dx1, dy1 = _p(x0 + 400, 120, z)
        stage.rect(dx0, dy0, dx1, dy1, LAMP if stage.dark and i % 2 else stage.lit(darker(stage.back, 0.25)), 2)
        for k in range(1, 4):
            gx = dx0 + (dx1 - dx0) * k / 4
            stage.line([(gx, dy0), (gx, dy1)], stage.lit(darker(stage.back, 0.45)), 2)
    pillar = stage.lit(stage.accent)
    for i in range(8):
        x = left + i * (right - left) / 7
        stage.rect(*_p(x - 45, 1240, z), *_p(x + 45, 120, z), pillar, 2)
    roof = stage.lit((64, 62, 76))
    ex0, ey0 = _p(left - 400, 1200, z)
    ex1, _ = _p(right + 400, 1200, z)
    top_y = _p(0, 2000, z)[1]
    eave = [
        (ex0 - 30, ey0 - 60),
        (ex0 + 60, ey0),
        (ex1 - 60, ey0),
        (ex1 + 30, ey0 - 60),
        (ex1 - 160, top_y + 30),
        (ex0 + 160, top_y + 30),
    ]
    stage.poly(eave, roof, 3)
    stage.rect(ex0 + 140, top_y + 10, ex1 - 140, top_y + 32, (214, 170, 70) if not stage.night else (150, 120, 60), 2)
    for x in (-1100.0, 1100.0):
        lx, ly = _p(x, 1080, z)
        stage.lantern(lx, ly, 0.55)
    burner = stage.lit((120, 100, 70))
    bx, by = _p(0, 0, 1.6)
    stage.poly([(bx - 90, by - 150), (bx + 90, by - 150), (bx + 70, by - 20), (bx - 70, by - 20)], burner, 3)
    stage.rect(bx - 110, by - 175, bx + 110, by - 150, darker(burner, 0.2))
    for dx in (-60, 0, 60):
        stage.rect(bx + dx - 10, by - 22, bx + dx + 10, by + 6, darker(burner, 0.3), 2)


def city(stage: Stage) -> None:
    """Office towers at three depths; windows light up after dark."""
    stage.sky(HORIZON)
    stage.celestial(300, 380)
    sky = SKY.get(stage.time, SKY["day"])
    for depth, fade in ((0, 0.6), (1, 0.35), (2, 0.1)):
        x = -300.0 + depth * 40
        while x < 1600:
            w = stage.rand.uniform(110, 220) * (1 + depth * 0.4)
            h = stage.rand.uniform(300, 760) * (1 + depth * 0.3)
            base = HORIZON + 20 + depth * 60
            colour = mix(stage.lit(mix(stage.back, (70, 84, 104), 0.5)), sky[2], fade)
            stage.rect(x, base - h, x + w, base, colour, 2 if depth else 0)
            if depth:
                for wy in range(int(base - h + 30), int(base - 20), 44):
                    for wx in range(int(x + 16), int(x + w - 24), 34):
                        if stage.rand.random() < (0.35 if stage.dark else 0.6):
                            glass = LAMP if stage.dark else mix(colour, sky[1], 0.5)
                            stage.rect(wx, wy, wx + 16, wy + 22, glass, 0)
            x += w + stage.rand.uniform(10, 40)
    _ground(stage, stage.ground)
    for z in (0.5, 0.7, 1.0, 1.5, 2.4):
        stage.line([_p(-2000, 0, z), _p(2000, 0, z)], stage.lit(darker(stage.ground, 0.2)), 2)


def vehicle(stage: Stage) -> None:
    """A street with a car at the kerb, behind where people stand."""
    street(stage)
    body = stage.lit(stage.accent)
    x, y, s = 1010.0, 1530.0, 0.62

    def q(dx: float, dy: float) -> tuple[float, float]:
        return x + dx * s, y + dy * s

    shape = [(-300, -40), (-280, -150), (-160, -170), (-90, -270), (140, -270), (230, -170), (320, -150), (330, -40)]
    stage.poly([q(*p) for p in shape], body, 3)
    glass = LAMP if stage.night else mix(SKY.get(stage.time, SKY["day"])[1], (255, 255, 255), 0.2)
    stage.poly([q(-70, -250), q(25, -250), q(25, -175), q(-140, -175)], glass, 2)
    stage.poly([q(45, -250), q(130, -250), q(200, -175), q(45, -175)], glass, 2)
    for wx in (-180, 200):
        stage.ellipse(*q(wx - 62, -100), *q(wx + 62, 24), (36, 34, 40))
        stage.ellipse(*q(wx - 28, -66), *q(wx + 28, -10), (150, 150, 160))


def plain(stage: Stage) -> None:
    stage.sky(HORIZON)
    stage.celestial(300, 420)
    stage.hills(HORIZON + 4, mix(stage.lit(stage.back), SKY.get(stage.time, SKY["day"])[2], 0.4), 160, 4)
    _ground(stage, stage.ground)
    stage.poly(
        [_p(-40, 0, 40), _p(40, 0, 40), _p(360, 0, 0.38), _p(-260, 0, 0.38)], stage.lit(lighter(stage.ground, 0.18)), 0
    )


EXTERIORS = {
    "street": street,
    "shop": street,
    "room": street,
    "water": water,
    "nature": nature,
    "temple": building,
    "hall": building,
    "office": city,
    "vehicle": vehicle,
    "generic": plain,
}
