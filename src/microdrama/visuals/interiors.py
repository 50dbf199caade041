"""Interior backgrounds: rooms, shops and inns, offices, halls, temples and vehicles.

A few large, recognisable props per kind (a window, red lanterns and shelves, a desk and
a city view, pillars and a screen) say where we are at a glance on a phone; the middle
of the wall stays quiet because that is where the faces go.
"""

from __future__ import annotations

from microdrama.visuals.palette import LAMP, RGB, SKY, darker, lighter, mix
from microdrama.visuals.stage import FLOOR, HEIGHT, Stage


def _wall(stage: Stage, wainscot: bool = True) -> None:
    wall = stage.lit(stage.back)
    stage.gradient(-3000, FLOOR, (darker(wall, 0.3), darker(wall, 0.12), wall))
    if wainscot:
        panel = stage.lit(mix(stage.back, stage.ground, 0.55))
        stage.rect(-4000, FLOOR - 250, 6000, FLOOR, panel, 0)
        stage.rect(-4000, FLOOR - 268, 6000, FLOOR - 246, lighter(panel, 0.15), 2)
        for x in range(-600, 2000, 240):
            stage.rect(x + 30, FLOOR - 220, x + 210, FLOOR - 40, darker(panel, 0.08), 2)


def _lamp_light(stage: Stage, x: float, y: float) -> None:
    if stage.dark:
        stage.glow(x, y, 520, (255, 190, 110), 0.45 if stage.night else 0.3)


def _table(stage: Stage, x: float, y: float, width: float, cloth: RGB | None = None) -> None:
    wood = stage.lit(mix(stage.ground, (90, 60, 40), 0.4))
    top = stage.lit(cloth) if cloth else lighter(wood, 0.12)
    for dx in (-width / 2 + 30, width / 2 - 50):
        stage.rect(x + dx, y + 30, x + dx + 22, y + 230, darker(wood, 0.15), 2)
    stage.poly(
        [(x - width / 2 + 40, y - 40), (x + width / 2 - 40, y - 40), (x + width / 2, y + 10), (x - width / 2, y + 10)],
        top,
        3,
    )
    stage.rect(x - width / 2, y + 10, x + width / 2, y + 40, darker(top, 0.2), 2)


def _teaset(stage: Stage, x: float, y: float) -> None:
    pot = stage.lit((236, 232, 222))
    stage.ellipse(x - 40, y - 70, x + 40, y - 8, pot, 2)
    stage.poly([(x + 36, y - 50), (x + 70, y - 66), (x + 74, y - 58), (x + 38, y - 36)], pot, 2)
    stage.ellipse(x - 12, y - 82, x + 12, y - 66, darker(pot, 0.15), 2)
    for dx in (70, 112):
        stage.poly([(x + dx - 16, y - 36), (x + dx + 16, y - 36), (x + dx + 12, y - 10), (x + dx - 12, y - 10)], pot, 2)


def room(stage: Stage) -> None:
    _wall(stage)
    stage.window(140, 560, 470, 1010, mix(stage.ground, (80, 56, 40), 0.3))
    frame = stage.lit(darker(stage.ground, 0.2))
    stage.rect(790, 600, 1090, 820, frame)
    stage.rect(812, 622, 1068, 798, stage.lit((236, 228, 210)), 2)
    stage.poly([(820, 790), (890, 690), (940, 740), (1000, 660), (1060, 790)], stage.lit(stage.accent), 0)
    stage.floor(stage.ground)
    _lamp_light(stage, 1010, 980)
    if stage.dark:  # a table lamp
        stage.poly([(960, 1010), (1060, 1010), (1040, 940), (980, 940)], (255, 224, 160), 2)
    _table(stage, 1010, 1130, 380, mix(stage.accent, (250, 245, 235), 0.55))
    _teaset(stage, 930, 1120)
    chair = stage.lit(mix(stage.ground, (70, 48, 34), 0.5))
    stage.rect(1200, 900, 1230, 1380, chair)
    stage.rect(1180, 1150, 1400, 1185, chair)


def shop(stage: Stage) -> None:
    """An inn, teahouse or shop: plaque, shelves of jars, a counter and red lanterns."""
    _wall(stage)
    wood = stage.lit(mix(stage.ground, (80, 50, 32), 0.4))
    stage.rect(170, 430, 640, 580, darker(wood, 0.2), 3)
    stage.rect(190, 450, 620, 560, stage.lit((70, 36, 28)), 2)
    gold = (214, 170, 72) if not stage.night else (170, 130, 60)
    for x in (300, 400, 500):
        stage.ellipse(x - 18, 487, x + 18, 523, gold, 2)
    stage.rect(760, 560, 1320, 1090, darker(wood, 0.25), 3)
    jar_colours = [(190, 90, 60), (226, 210, 170), (90, 110, 80), (160, 60, 50), (210, 180, 120), (70, 90, 120)]
    for row, y in enumerate((700, 860, 1020)):
        stage.rect(760, y, 1320, y + 24, wood, 2)
        for i in range(6):
            jx = 800 + i * 86 + (row * 23) % 40
            colour = stage.lit(jar_colours[(i + row * 2) % len(jar_colours)])
            stage.ellipse(jx, y - 100, jx + 62, y + 4, colour, 2)
            stage.rect(jx + 16, y - 118, jx + 46, y - 94, darker(colour, 0.2), 2)
    stage.window(150, 700, 470, 1040, mix(stage.ground, (80, 56, 40), 0.3), (3, 2))
    stage.floor(stage.ground)
    _lamp_light(stage, 640, 700)
    counter = lighter(wood, 0.05)
    stage.rect(680, 1150, 1500, 1430, counter, 3)
    stage.rect(660, 1120, 1520, 1160, lighter(counter, 0.15), 3)
    for x in range(720, 1500, 130):
        stage.rect(x, 1190, x + 100, 1390, darker(counter, 0.1), 2)
    _teaset(stage, 860, 1118)
    _table(stage, 170, 1400, 420)
    for x in (210, 640, 1060):
        stage.lantern(x, 300 if x == 640 else 360, 1.3)


def office(stage: Stage) -> None:
    wall = stage.lit(stage.back)
    stage.gradient(-3000, FLOOR, (darker(wall, 0.2), wall))
    x0, y0, x1, y1 = -300.0, 420.0, 1600.0, 1150.0
    sky = SKY.get(stage.time, SKY["day"])
    stage.gradient(y0, y1, sky, x0, x1)
    x = x0
    while x < x1:  # the city outside
        w = stage.rand.uniform(90, 190)
        h = stage.rand.uniform(180, 520)
        tower = mix(stage.lit((80, 92, 112)), sky[2], 0.35)
        stage.rect(x, y1 - h, min(x1, x + w), y1, tower, 0)
        for wy in range(int(y1 - h + 24), int(y1 - 10), 40):
            for wx in range(int(x + 14), int(min(x1, x + w) - 18), 30):
                if stage.rand.random() < (0.4 if stage.dark else 0.5):
                    stage.rect(wx, wy, wx + 14, wy + 18, LAMP if stage.dark else mix(tower, sky[1], 0.5), 0)
        x += w + 12
    frame = stage.lit((70, 74, 82))
    stage.rect(-4000, y0 - 30, 6000, y0, frame, 0)
    stage.rect(-4000, y1, 6000, y1 + 40, frame, 0)
    for mx in range(-300, 1700, 320):
        stage.rect(mx - 10, y0, mx + 10, y1, frame, 0)
    stage.floor(mix(stage.ground, stage.back, 0.2), planks=False)
    desk = stage.lit(mix(stage.ground, (236, 236, 232), 0.5))
    stage.rect(640, 1470, 1600, 1520, lighter(desk, 0.1), 3)
    stage.rect(680, 1520, 1560, 1800, darker(desk, 0.15), 3)
    screen = (150, 200, 240) if stage.dark else stage.lit((60, 70, 84))
    stage.rect(900, 1250, 1240, 1450, stage.lit((40, 42, 48)), 3)
    stage.rect(920, 1268, 1220, 1432, screen, 0)
    stage.rect(1050, 1450, 1090, 1472, stage.lit((40, 42, 48)), 2)
    if stage.dark:
        stage.glow(1070, 1350, 380, (150, 200, 255), 0.35)
    pot = stage.lit((200, 190, 176))
    leaf = stage.lit(stage.accent if sum(stage.accent) < 500 else (80, 140, 90))
    for angle in range(-3, 4):
        stage.poly(
            [(130, 1240), (130 + angle * 60, 1000 - abs(angle) * 30), (150 + angle * 62, 1010 - abs(angle) * 30)],
            mix(leaf, (70, 140, 80), 0.6),
            2,
        )
    stage.poly([(70, 1230), (190, 1230), (175, 1380), (85, 1380)], pot, 3)


def hall(stage: Stage) -> None:
    """A formal hall: a painted screen, a red carpet and pillars in perspective."""
    _wall(stage, wainscot=False)
    screen = stage.lit(darker(stage.ground, 0.1))
    stage.rect(300, 520, 940, FLOOR - 10, screen, 3)
    stage.rect(330, 550, 910, FLOOR - 40, stage.lit((238, 226, 200)), 2)
    ink = stage.lit((110, 120, 120))
    stage.poly(
        [(340, 1200), (460, 880), (540, 1000), (660, 760), (800, 1050), (900, 1200)], mix(ink, (238, 226, 200), 0.5), 0
    )
    for i in range(1, 4):
        x = 300 + i * 160
        stage.line([(x, 520), (x, FLOOR - 10)], darker(screen, 0.2), 3)
    stage.floor(stage.ground, planks=False)
    carpet = stage.lit(stage.accent)
    stage.poly([(520, FLOOR), (720, FLOOR), (1150, HEIGHT + 400), (90, HEIGHT + 400)], carpet, 3)
    gold = stage.lit((220, 176, 80))
    pillar = stage.lit(stage.accent if stage.accent[0] > 120 else (170, 50, 40))
    for x, w in ((-60, 170), (1190, 170), (150, 90), (1010, 90)):
        stage.rect(x, -2000, x + w, FLOOR + (140 if w > 100 else 40), pillar, 3)
        stage.rect(x - 8, FLOOR + (100 if w > 100 else 20), x + w + 8, FLOOR + (160 if w > 100 else 50), gold, 2)
        stage.rect(x, 380, x + w, 420, gold, 2)
    for x in (400, 840):
        stage.lantern(x, 330, 1.1)
    _lamp_light(stage, 620, 700)


def temple(stage: Stage) -> None:
    """A shrine: dark wood, hanging banners, an altar with candles and ancestral tablets."""
    wall = stage.lit(darker(stage.back, 0.35))
    stage.gradient(-3000, FLOOR, (darker(wall, 0.35), wall))
    for x in (120, 1030):
        stage.rect(x, 260, x + 150, 1000, stage.lit(stage.accent), 3)
        stage.poly([(x, 1000), (x + 150, 1000), (x + 75, 1060)], stage.lit(stage.accent), 3)
    alcove = stage.lit((60, 36, 30))
    stage.rect(380, 560, 880, 1120, alcove, 3)
    gold = stage.lit((226, 186, 92))
    for i, x in enumerate((440, 560, 680, 790)):
        stage.rect(x, 760 + (i % 2) * 40, x + 52, 1100, gold, 2)
    stage.floor(stage.ground)
    stage.rect(300, 1120, 960, 1180, stage.lit(darker(stage.ground, 0.1)), 3)
    stage.rect(330, 1180, 930, 1400, stage.lit(stage.accent), 3)
    burner = stage.lit((130, 110, 76))
    stage.poly([(560, 1040), (700, 1040), (680, 1120), (580, 1120)], burner, 3)
    for dx in (-10, 10, 30):
        stage.line([(630 + dx, 1040), (632 + dx, 960)], (180, 150, 120), 3)
    for x in (380, 880):
        stage.rect(x - 14, 1030, x + 14, 1120, (240, 230, 210), 2)
        stage.ellipse(x - 9, 1000, x + 9, 1030, (255, 200, 90))
        stage.glow(x, 1010, 180, (255, 170, 80), 0.55)
    _lamp_light(stage, 630, 1000)


def cabin(stage: Stage) -> None:
    """Inside a car or carriage: a window on the passing world, seat backs in front."""
    trim = stage.lit(mix(stage.back, (30, 30, 34), 0.5))
    stage.gradient(-3000, HEIGHT + 2000, (darker(trim, 0.2), trim))
    sky = SKY.get(stage.time, SKY["day"])
    x0, y0, x1, y1 = -40.0, 520.0, 1330.0, 1180.0
    stage.gradient(y0, y1, sky, x0, x1)
    for i in range(8):
        bx = x0 + i * 190
        h = 120 + (i * 71) % 200
        stage.rect(bx, y1 - h, bx + 150, y1, mix(stage.lit(stage.back), sky[2], 0.4), 0)
    for i in range(6):
        y = y0 + 80 + i * 100
        stage.line([(x0 + 100 + i * 130, y), (x0 + 420 + i * 130, y)], lighter(sky[2], 0.3), 3)
    stage.rect(x0 - 60, y0 - 60, x1 + 60, y0, trim, 3)
    stage.rect(x0 - 60, y1, x1 + 60, y1 + 80, trim, 3)
    seat = stage.lit(stage.ground)
    for x in (-120, 760):
        stage.poly(
            [
                (x, HEIGHT + 200),
                (x + 20, 1500),
                (x + 80, 1420),
                (x + 580, 1420),
                (x + 640, 1500),
                (x + 660, HEIGHT + 200),
            ],
            seat,
            3,
        )
        stage.rect(x + 190, 1300, x + 470, 1430, lighter(seat, 0.08), 3)
    if stage.dark:
        stage.glow(640, 900, 500, (255, 200, 140), 0.2)


INTERIORS = {
    "room": room,
    "shop": shop,
    "office": office,
    "hall": hall,
    "temple": temple,
    "vehicle": cabin,
    "street": room,
    "water": room,
    "nature": room,
    "generic": room,
}
