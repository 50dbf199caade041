"""Where a paragraph takes place: "Baker Street", "Briony Lodge", "the sitting-room".

A setting is named after a locative word in narration ("in the parlour", "reached
Briony Lodge"). Mentions that do not stage the scene are skipped: a phrase that only
describes a noun ("the man on the quay"), a plan ("she was going to marry him in the
church"), and "to" without movement ("the number belonged to the hospital").
"""

from __future__ import annotations

import re

from microdrama.text.en.cast import Cast
from microdrama.text.en.lexicon import ROOM_NOUNS, word_set
from microdrama.text.en.names import Hit

_LOCATIVE = r"in|at|to|into|inside|outside|reached|entered|towards?|on|onto|through|across|within"
_ROOMS = "|".join(sorted(ROOM_NOUNS, key=len, reverse=True))
_ROOM = re.compile(
    rf"\b(?P<prep>{_LOCATIVE})\s+(?:the|a|an|his|her|my|our|their)\s+"
    rf"(?P<place>(?:[a-z][a-z-]*\s+){{0,2}}(?:{_ROOMS}))\b"
)
_BARE_ROOM = re.compile(rf"(?:\bthe|[A-Za-z]['’]s)\s+(?P<place>(?:[a-z][a-z-]*\s+){{0,1}}(?:{_ROOMS}))\b")
_PREP_BEFORE = re.compile(rf"\b(?P<prep>{_LOCATIVE})\s+(?P<the>the\s+)?$")
_ATTACHED = re.compile(r"\b(?:the|a|an)\s+[a-z-]+\s+$")
_PLANNED = re.compile(
    r"\b(?:going\s+to|would|will|could|should|might|shall|must|wanted\s+to|planned\s+to|hoped\s+to|if)\b"
    r"[^.;!?\"“”]*$"
)
_MOTION = re.compile(
    r"\b(?:went|go|goes|going|gone|came|come|comes|coming|walked|ran|run|drove|rode|returned|hurried"
    r"|rushed|back|headed|moved|travelled|traveled|sailed|flew|way|led|took|brought|followed|stepped"
    r"|fled|hastened|climbed|sent)\b(?:\s+[a-z]+){0,2}\s*$"
)
_ARRIVALS = word_set("at to into reached entered")
_SKIP_MODIFIERS = word_set("same other very whole next first last one")


def interior(place: str) -> bool | None:
    """Interior or exterior, judged by the place's last word ("Briony Lodge" -> interior)."""
    return ROOM_NOUNS.get(place.rsplit(None, 1)[-1].lower())


def _stages(text: str, prep_start: int, prep: str) -> bool:
    """Whether the locative at ``prep_start`` stages the scene rather than describing or planning."""
    before = text[max(0, prep_start - 60) : prep_start]
    if _ATTACHED.search(before) or _PLANNED.search(before):
        return False
    return prep != "to" or _MOTION.search(before) is not None


def setting(
    text: str,
    spans: list[tuple[int, int]],
    hits: list[Hit],
    cast: Cast,
    names_ok: set[str],
    opens_scene: bool,
) -> str | None:
    """The first place the narration ``spans`` of a paragraph put the scene in, or None."""
    for start, end in spans:
        found: list[tuple[int, str]] = []
        for hit in hits:
            if not start <= hit.start < end or not hit.name:
                continue
            before = _PREP_BEFORE.search(text, max(0, hit.start - 24), hit.start)
            if before is None or not _stages(text, before.start(), before.group("prep")):
                continue
            prep = before.group("prep")
            if hit.name in cast.places:
                if prep in _ARRIVALS or interior(hit.name) is not None:  # not "in Europe"
                    found.append((hit.start, hit.name))
            elif prep in _ARRIVALS and prep != "to" and hit.name in names_ok and cast.key_of(hit) is None:
                # "dinner at the Lantern": an unknown proper name after "at" is a venue.
                found.append((hit.start, f"the {hit.name}" if before.group("the") else hit.name))
        for match in _ROOM.finditer(text, start, end):
            words = match.group("place").split()
            if words[0] not in _SKIP_MODIFIERS and _stages(text, match.start(), match.group("prep")):
                found.append((match.start("place"), "the " + " ".join(words)))
                break
        if found:
            return min(found)[1]
    if opens_scene:
        # A scene that opens on "The next morning the hospital corridor smelled of bleach".
        for start, end in spans[:2]:
            bare = _BARE_ROOM.search(text, start, end)
            if bare is not None and bare.group("place").split()[0] not in _SKIP_MODIFIERS:
                return "the " + bare.group("place")
    return None
