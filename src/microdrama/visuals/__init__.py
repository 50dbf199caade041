"""Character looks, backgrounds and frames, drawn procedurally (or by an image provider, later).

The build calls only what is exported here; every function is pure in its inputs (same
inputs, byte-identical PNG), so artifacts can be cached by a hash of the inputs plus
STYLE_VERSION, which changes whenever the drawing of the same inputs changes.
"""

from microdrama.visuals.cards import AI_LABEL_POSITION, draw_ai_label, draw_title_card
from microdrama.visuals.frames import draw_frame, frame_request, render_frame
from microdrama.visuals.layout import face_boxes
from microdrama.visuals.looks import assign_character_look, assign_location_look, bible_looks, look_distance
from microdrama.visuals.request import FRAME_SIZE, OUTPUT_SIZE, SAFE_BOX, VISIBLE_BOX, Figure, FrameRequest
from microdrama.visuals.sheets import contact_sheet, storyboard_sheet

STYLE_VERSION = 1

__all__ = [
    "AI_LABEL_POSITION",
    "FRAME_SIZE",
    "OUTPUT_SIZE",
    "SAFE_BOX",
    "STYLE_VERSION",
    "VISIBLE_BOX",
    "Figure",
    "FrameRequest",
    "assign_character_look",
    "assign_location_look",
    "bible_looks",
    "contact_sheet",
    "draw_ai_label",
    "draw_frame",
    "draw_title_card",
    "face_boxes",
    "frame_request",
    "look_distance",
    "render_frame",
    "storyboard_sheet",
]
