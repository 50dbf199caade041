"""The English analyser on an original fixture story (tests/fixtures/stories/en-story.txt).

Every expectation below was checked by reading the story: who says each line, who is
who, where and when the scenes are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from microdrama.text.analysis import Analysis, Utterance, analyze
from microdrama.text.document import Chapter, SourceDocument, document_from_clean_text
from microdrama.text.en import analyze_en
from microdrama.text.en.segment import find_quotes, sentence_spans

STORY = Path(__file__).parent / "fixtures" / "stories" / "en-story.txt"


@pytest.fixture(scope="module")
def story() -> Analysis:
    text = STORY.read_text(encoding="utf-8")
    return analyze_en(document_from_clean_text(text, "source/en-story.txt", "en"))


def line(analysis: Analysis, opening: str) -> Utterance:
    """The one dialogue or inner-voice utterance whose text starts with ``opening``."""
    found = [
        u for p in analysis.paragraphs for u in p.utterances if u.kind != "narration" and u.text.startswith(opening)
    ]
    assert len(found) == 1, (opening, [u.text for u in found])
    return found[0]


def paragraph_index(opening: str) -> int:
    """Index of the fixture paragraph (one per non-empty line) that starts with ``opening``."""
    text = STORY.read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return next(i for i, ln in enumerate(lines) if ln.startswith(opening))


# -- characters -----------------------------------------------------------------------


def test_exactly_the_five_characters(story: Analysis) -> None:
    assert {c.key for c in story.characters} == {"Margaret Vale", "I", "Jonas Crane", "Lucy Penrose", "Silas Thorne"}


def test_aliases_are_merged(story: Analysis) -> None:
    vale = story.character("Margaret Vale")
    crane = story.character("Jonas Crane")
    thorne = story.character("Silas Thorne")
    lucy = story.character("Lucy Penrose")
    assert vale and crane and thorne and lucy
    assert {"Mrs. Vale", "Vale"} <= set(vale.aliases)
    assert {"Crane", "Inspector Jonas Crane", "the inspector"} <= set(crane.aliases)
    assert {"Thorne", "Silas"} <= set(thorne.aliases)
    assert "Lucy" in lucy.aliases


def test_narrator_is_named_by_the_vocative(story: Analysis) -> None:
    narrator = story.character("I")
    assert narrator is not None
    assert narrator.is_narrator
    assert narrator.name == "Hollis"
    assert "Hollis" in narrator.aliases
    assert all(not c.is_narrator for c in story.characters if c.key != "I")
    assert narrator.lines >= 8


def test_places_are_not_characters(story: Analysis) -> None:
    names = {c.key for c in story.characters} | {a for c in story.characters for a in c.aliases}
    assert not names & {"Gull Street", "Quay Road", "Half", "Bring", "Every"}


def test_gender_age_and_description(story: Analysis) -> None:
    vale, lucy = story.character("Margaret Vale"), story.character("Lucy Penrose")
    crane, thorne = story.character("Jonas Crane"), story.character("Silas Thorne")
    assert vale and lucy and crane and thorne
    assert (vale.gender, lucy.gender, crane.gender, thorne.gender) == ("female", "female", "male", "male")
    assert lucy.age == "young"  # "a thin, quick girl of sixteen"
    assert thorne.age == "elder"  # "old Silas Thorne"
    assert "Lucy Penrose came in from the street" in lucy.description
    assert "Inspector Jonas Crane kept a desk" in crane.description
    assert vale.first_paragraph == 0


# -- dialogue attribution -------------------------------------------------------------

SPEAKERS = {
    "You are late, Hollis,": "Margaret Vale",  # she said, after a paragraph naming no one
    "From whom?": "I",  # said I
    "That is the trouble.": "Margaret Vale",  # untagged: turn-taking
    "What ledger?": "I",  # I asked
    "And the girl?": "I",  # untagged
    "Who else? My niece": "Margaret Vale",  # untagged
    "There was a man on the quay,": "Lucy Penrose",  # Lucy said
    "Did he hurt you?": "Margaret Vale",  # Mrs. Vale cried
    "No,": "Lucy Penrose",  # she answered: the other woman in the exchange
    "Then he laughed and said": "Lucy Penrose",  # the quote goes on from the previous paragraph
    "If he gets that book": "Margaret Vale",  # she said
    "Then we must fetch the inspector,": "I",  # I remarked
    "No police,": "Margaret Vale",
    "A second ledger,": "Jonas Crane",  # said he
    "Mrs. Vale would not say.": "I",
    "Then I shall ask her myself,": "Jonas Crane",  # the inspector said
    "Will you arrest her?": "I",
    "Not yet,": "Jonas Crane",  # he answered
    "Does Thorne know": "Jonas Crane",  # Crane: "…"
    "He knows only that it exists.": "I",
    "And who else knows": "Jonas Crane",  # asked the inspector
    "Only Lucy,": "I",  # I answered
    "Suddenly this is not": "Jonas Crane",  # he said, after an action beat
    "She came of her own accord!": "Silas Thorne",  # Thorne shouted
    "Here it is, Silas,": "Margaret Vale",
    "Throw it to me.": "Silas Thorne",  # two-person exchange
    "Let her go first.": "Margaret Vale",
    "You always were a fool, Silas,": "Margaret Vale",
    "It was you who wrote that letter,": "I",  # I said
    "He would never have come out": "Margaret Vale",
    "And you were both far too slow,": "Lucy Penrose",
}


@pytest.mark.parametrize(("opening", "speaker"), sorted(SPEAKERS.items()))
def test_speaker(story: Analysis, opening: str, speaker: str) -> None:
    assert line(story, opening).speaker == speaker


def test_interrupted_quote_keeps_one_speaker(story: Analysis) -> None:
    first, second = line(story, "Well,"), line(story, "perhaps it is time")
    assert first.speaker == second.speaker == "Margaret Vale"
    assert first.attribution == second.attribution == "said Mrs. Vale at last"


def test_attribution_keeps_the_tag(story: Analysis) -> None:
    assert line(story, "From whom?").attribution == "said I"
    assert line(story, "Did he hurt you?").attribution.startswith("Mrs. Vale cried, rising")
    assert line(story, "Does Thorne know").attribution == "Crane"


def test_inner_voice(story: Analysis) -> None:
    thought = line(story, "She knows more than she says")
    wonder = line(story, "What is she hiding from me?")
    assert (thought.kind, thought.speaker) == ("inner", "I")
    assert (wonder.kind, wonder.speaker) == ("inner", "I")


def test_offsets_are_exact_and_quotes_stripped(story: Analysis) -> None:
    text = STORY.read_text(encoding="utf-8")
    document = document_from_clean_text(text, "source/en-story.txt", "en")
    for paragraph, analysis in zip(document.paragraphs(), story.paragraphs, strict=True):
        for utterance in analysis.utterances:
            assert paragraph.text[utterance.start : utterance.end] == utterance.text
            if utterance.kind != "narration":
                assert '"' not in utterance.text
            else:
                assert utterance.speaker is None
    narration = [u.text for p in story.paragraphs for u in p.utterances if u.kind == "narration"]
    assert "said I" not in " ".join(narration)  # tags are attribution, not narration
    assert "Mrs. Vale had gone very white." in narration


# -- cues, emotion, tension -----------------------------------------------------------


def test_cues_and_emotions(story: Analysis) -> None:
    threat = line(story, "Bring me the ledger, Margaret")
    assert "threat" in threat.cues
    turn = line(story, "Suddenly this is not")
    assert {"reversal", "conflict"} <= turn.cues
    assert {"threat", "conflict"} <= line(story, "It is blackmail").cues
    assert "reveal" in line(story, "It was you who wrote that letter").cues
    assert "reveal" in line(story, "perhaps it is time").cues
    assert {"question", "threat"} <= line(story, "Did he hurt you?").cues
    assert line(story, "She came of her own accord!").emotion == "angry"  # Thorne shouted
    assert line(story, "And you were both far too slow").emotion == "happy"  # Lucy laughed
    assert line(story, "Did he hurt you?").emotion == "surprised"  # Mrs. Vale cried
    assert line(story, "Let her go first.").emotion == "neutral"
    assert turn.tension > 0.5 > line(story, "Let her go first.").tension


def test_paragraph_tension_peaks_at_the_threat(story: Analysis) -> None:
    calm = story.paragraphs[paragraph_index('"Let her go first."')]
    fight = story.paragraphs[paragraph_index("Thorne gave a roar of fury")]
    assert fight.tension > 0.5 > calm.tension


# -- settings, time and scenes --------------------------------------------------------


def test_places_times_and_jumps(story: Analysis) -> None:
    morning = story.paragraphs[paragraph_index("The next morning")]
    night = story.paragraphs[paragraph_index("That night the fog")]
    later = story.paragraphs[paragraph_index("Later, in the parlour")]
    assert (morning.place, morning.time_of_day, morning.time_shift) == ("the harbour office", "day", True)
    assert (night.place, night.time_of_day, night.time_shift) == ("the old quay", "night", True)
    assert (later.place, later.time_shift) == ("the parlour", True)
    assert story.paragraphs[0].time_of_day == "dusk"
    assert story.paragraphs[paragraph_index("She told us then")].place is None  # "the man on the quay"
    assert sum(p.time_shift for p in story.paragraphs) == 3


def test_scenes(story: Analysis) -> None:
    starts = [s.first for s in story.scenes]
    assert starts == [
        0,
        paragraph_index("The next morning"),
        paragraph_index("That night the fog"),
        paragraph_index("Later, in the parlour"),
    ]
    assert [(s.location, s.interior, s.time_of_day) for s in story.scenes] == [
        ("the parlour", True, "dusk"),
        ("the harbour office", True, "day"),
        ("the old quay", False, "night"),
        ("the parlour", True, "night"),
    ]
    assert story.scenes[-1].last == len(story.paragraphs) - 1


def test_mentions_and_cooccurrence(story: Analysis) -> None:
    quay = story.paragraphs[paragraph_index("Then Mrs. Vale stepped out")]
    assert quay.mentions[:2] == ("Margaret Vale", "Silas Thorne")
    assert "I" in quay.mentions  # "I had not even known she was there."
    assert story.cooccurrence[("I", "Margaret Vale")] >= 5
    assert story.cooccurrence[("Lucy Penrose", "Margaret Vale")] >= 2
    assert story.cooccurrence[("I", "Jonas Crane")] >= 3


def test_dispatch_through_analyze() -> None:
    document = document_from_clean_text(STORY.read_text(encoding="utf-8"), "story.txt", "en")
    assert {c.key for c in analyze(document).characters} == {c.key for c in analyze_en(document).characters}


# -- smaller pieces, on short original texts -------------------------------------------

VISITOR = """\
Dr. Amos Reed was reading by the fire in his study on Fenwick Street when the bell rang.
A tall man entered, wrapped in a grey cloak, his face hidden by a mask.
"You received my letter?" he asked.
"I did," said Reed. "Who are you?"
"You may call me the Count Orlov."
"That is not your name."
"No," he cried, tearing off the mask. "I am the Prince. Forgive me."
"Sit down, Your Highness," said Reed.
"You know my cousin, I think," said the Prince. "She has vanished from London."
Reed went to the window and looked down at Fenwick Street for a long time.
"Then we begin tonight," said Reed.
"""


def test_self_introductions_merge_a_masked_visitor() -> None:
    analysis = analyze_en(document_from_clean_text(VISITOR, "visitor.txt", "en"))
    prince = next(c for c in analysis.characters if "the Prince" in (c.key, *c.aliases))
    assert "Count Orlov" in prince.aliases
    assert line(analysis, "You received my letter?").speaker == prince.key
    assert line(analysis, "You may call me").speaker == prince.key
    assert line(analysis, "That is not your name.").speaker == "Amos Reed"
    assert line(analysis, "I am the Prince.").speaker == prince.key
    assert {c.key for c in analysis.characters} == {"Amos Reed", prince.key}
    reed = analysis.character("Amos Reed")
    assert reed is not None and reed.gender == "male" and "Reed" in reed.aliases  # "in his study"


COLONEL = """\
The colonel came down to breakfast at eight, as he always did.
"Where is my newspaper?" asked the colonel.
"On the table, sir," said Martha Finch.
"Thank you, Martha."
The colonel read in silence while Miss Finch cleared the plates.
"There is a storm coming," said the colonel.
"Then I shall close the shutters," she answered.
"""


def test_a_frequent_title_is_a_character() -> None:
    analysis = analyze_en(document_from_clean_text(COLONEL, "colonel.txt", "en"))
    keys = {c.key for c in analysis.characters}
    assert keys == {"the colonel", "Martha Finch"}
    assert line(analysis, "Thank you, Martha.").speaker == "the colonel"
    assert line(analysis, "Then I shall close").speaker == "Martha Finch"
    finch = analysis.character("Martha Finch")
    assert finch is not None and finch.gender == "female" and "Miss Finch" in finch.aliases


def test_quotes_and_sentences() -> None:
    text = '"Well," said he, "perhaps.'
    quotes = find_quotes(text)
    assert [(text[q.start : q.end], q.closed) for q in quotes] == [("Well,", True), ("perhaps.", False)]
    prose = "Mr. Holmes met J. Clay at St. Monica's. He said I. Then it ended."
    assert [prose[a:b] for a, b in sentence_spans(prose)] == [
        "Mr. Holmes met J. Clay at St. Monica's.",
        "He said I.",
        "Then it ended.",
    ]


PLANS = """\
Inspector Hale sat at his desk in the station and read the report twice.
Next week he was going to retire to a cottage in the country.
The report belonged to the museum, and the museum wanted it back.
"Send it back tomorrow," said Inspector Hale.
"Yes, sir," said the constable.
He walked to the window.
"""


def test_settings_skip_plans_and_titles_stay_on_surnames() -> None:
    analysis = analyze_en(document_from_clean_text(PLANS, "plans.txt", "en"))
    assert [p.place for p in analysis.paragraphs] == ["the station", None, None, None, None, None]
    hale = analysis.character("Hale")
    assert hale is not None and hale.name == "Inspector Hale" and "Inspector Hale" in hale.aliases
    assert line(analysis, "Yes, sir,").speaker is None  # "said the constable": a role nobody named


def test_a_length_cut_does_not_end_the_conversation() -> None:
    text = '"Where were you?" asked Ada Moss.\n"At the mill," said Ben Hart.\n"All night?"\n"All night."\n'
    whole = document_from_clean_text(text, "cut.txt", "en")
    paragraphs = whole.paragraphs()
    for title, expected in (("", "Ada Moss"), ("Chapter 2", "Ben Hart")):
        document = SourceDocument(
            "cut.txt",
            "utf-8",
            "en",
            "",
            [Chapter(1, "", paragraphs[:2]), Chapter(2, title, paragraphs[2:])],
        )
        # Cut by length (no title): turn-taking goes on. After a real chapter the exchange is
        # forgotten and the guess falls back to whoever was named last.
        assert line(analyze_en(document), "All night?").speaker == expected


def test_british_single_quotes_and_apostrophes() -> None:
    text = (
        "‘You’re late,’ said Ann Pike. ‘I’ve waited an hour.’\n"
        "‘The train stopped at Reading,’ Tom Reeve answered. ‘Don’t blame me.’\n"
        "‘I’ll blame whoever I like.’\n"
        "‘Then blame the railway.’\n"
    )
    analysis = analyze_en(document_from_clean_text(text, "british.txt", "en"))
    assert {c.key for c in analysis.characters} == {"Ann Pike", "Tom Reeve"}
    assert [u.speaker for p in analysis.paragraphs for u in p.utterances] == [
        "Ann Pike",
        "Ann Pike",
        "Tom Reeve",
        "Tom Reeve",
        "Ann Pike",
        "Tom Reeve",
    ]
    assert line(analysis, "I’ve waited").text == "I’ve waited an hour."
