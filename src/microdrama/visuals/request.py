"""What one frame shows: the typed, hashable-by-value input of draw_frame.

A FrameRequest holds exactly what the drawing reads, nothing else, so the build can
key the cached PNG on it: change a line's emotion and only that frame is redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from microdrama.model import CharacterLook, LocationLook
from microdrama.model.common import OMIT_DEFAULT, Emotion, Framing, Setting, TimeOfDay

# Frames are drawn 1.2x the 1080x1920 output so the renderer can push in and pan
# without upscaling; the output window is the centre of the frame.
FRAME_SIZE = (1296, 2304)
OUTPUT_SIZE = (1080, 1920)
VISIBLE_BOX = (108, 192, 1188, 2112)  # the 1080x1920 centre, in frame pixels
# Where faces and text go, in frame pixels: inside the visible centre, below the top 8%
# (status bar, platform tabs), above the bottom 20% (captions, buttons) and left of the
# right 12% (like/comment/share column), with a 5% margin on the left.
SAFE_BOX = (162, 346, 1058, 1728)

Position = Literal["left", "center", "right", "foreground"]


@dataclass(frozen=True)
class Figure:
    """One character in a frame. ``position`` is a hint the framing interprets:
    left/center/right place a figure; "foreground" is the back-to-camera listener of an
    over-the-shoulder shot."""

    look: CharacterLook
    emotion: Emotion = "neutral"
    speaking: bool = False
    position: Position = "center"


@dataclass(frozen=True)
class FrameRequest:
    framing: Framing
    time: TimeOfDay
    setting: Setting
    location: LocationLook
    figures: tuple[Figure, ...] = ()
    seed: str = ""  # the shot id: varies what only that shot shows (an insert's arrangement)
    place: str = ""  # the location id: one place is drawn the same in every shot
    prop: str = ""  # what an insert shows (props.PROP_WORDS keys); "" picks one for the place
    take: int = field(default=1, metadata={OMIT_DEFAULT: True})  # > 1: the camera placed a little differently
