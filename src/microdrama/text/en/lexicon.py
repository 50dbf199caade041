"""Word lists for the English analyser.

Kept as plain data so a reader can see (and extend) what the heuristics know.
Everything is lowercase unless the comment says otherwise.
"""

from __future__ import annotations

from typing import Literal

Gender = Literal["male", "female"]


def word_set(text: str) -> frozenset[str]:
    """Whitespace-separated words: word lists stay readable as plain text."""
    return frozenset(text.split())


def word_list(text: str) -> list[str]:
    return text.split()


# Titles, canonicalised: surface (lowercase, no dot) -> (display form, gender or None).
TITLES: dict[str, tuple[str, Gender | None]] = {
    "mr": ("Mr.", "male"),
    "mister": ("Mr.", "male"),
    "mrs": ("Mrs.", "female"),
    "ms": ("Ms.", "female"),
    "miss": ("Miss", "female"),
    "madam": ("Madam", "female"),
    "madame": ("Madame", "female"),
    "mme": ("Madame", "female"),
    "mademoiselle": ("Mademoiselle", "female"),
    "mlle": ("Mademoiselle", "female"),
    "sir": ("Sir", "male"),
    "lord": ("Lord", "male"),
    "lady": ("Lady", "female"),
    "dame": ("Dame", "female"),
    "king": ("King", "male"),
    "queen": ("Queen", "female"),
    "prince": ("Prince", "male"),
    "princess": ("Princess", "female"),
    "duke": ("Duke", "male"),
    "duchess": ("Duchess", "female"),
    "count": ("Count", "male"),
    "countess": ("Countess", "female"),
    "baron": ("Baron", "male"),
    "baroness": ("Baroness", "female"),
    "earl": ("Earl", "male"),
    "emperor": ("Emperor", "male"),
    "empress": ("Empress", "female"),
    "father": ("Father", "male"),
    "brother": ("Brother", "male"),
    "sister": ("Sister", "female"),
    "uncle": ("Uncle", "male"),
    "aunt": ("Aunt", "female"),
    "dr": ("Dr.", None),
    "doctor": ("Dr.", None),
    "professor": ("Professor", None),
    "prof": ("Professor", None),
    "colonel": ("Colonel", None),
    "col": ("Colonel", None),
    "captain": ("Captain", None),
    "capt": ("Captain", None),
    "major": ("Major", None),
    "general": ("General", None),
    "gen": ("General", None),
    "lieutenant": ("Lieutenant", None),
    "lt": ("Lieutenant", None),
    "sergeant": ("Sergeant", None),
    "sgt": ("Sergeant", None),
    "inspector": ("Inspector", None),
    "constable": ("Constable", None),
    "detective": ("Detective", None),
    "judge": ("Judge", None),
    "reverend": ("Reverend", None),
    "rev": ("Reverend", None),
    "bishop": ("Bishop", None),
    "admiral": ("Admiral", None),
    "commander": ("Commander", None),
    "governor": ("Governor", None),
    "mayor": ("Mayor", None),
    "senator": ("Senator", None),
    "president": ("President", None),
    "sheriff": ("Sheriff", None),
    "nurse": ("Nurse", None),
}
# Titles that also work alone as a name, "the King", "the colonel" (not Mr./Miss/Father...).
STANDALONE_TITLES = word_set(
    """king queen prince princess duke duchess count countess baron baroness earl emperor empress
    doctor professor colonel captain major general lieutenant sergeant inspector constable
    detective judge bishop admiral commander governor mayor senator president sheriff"""
)
# A title followed by "of <Place>" is a name in itself: "the King of Bohemia".
OF_HEADS = word_set(
    """king queen prince princess duke duchess count countess earl emperor empress lord lady bishop
    church chapel bank house city isle tower cathedral abbey university museum bay port"""
)

# Capitalised words that are never character names on their own.
STOP_WORDS = word_set(
    """
    i me my mine we us our you your yours he him his she her hers it its they them their this that
    these those there here then than when where why how what which who whom whose while after before
    the a an and but or nor so yet for if as at by in on of to up out off over into onto from with
    without about above below under again once all any both each few more most other some such no
    not only own same too very can will just now ever never always also perhaps still even indeed
    yes yeah well oh ah ha alas hush hullo hello hallo good god lord heaven heavens sir madam mister
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december christmas easter
    chapter part book volume adventure end note preface contents epilogue prologue
    one two three four five six seven eight nine ten first second third last next
    english french german russian italian spanish american british irish scottish scotch welsh
    bohemian european dutch swiss chinese japanese indian continental roman greek latin catholic
    protestant christian jew jewish englishman englishwoman frenchman dear
    majesty highness lordship ladyship excellency grace honour honor
    """
)

# Last words of organisations, papers and the like: never a person ("the Red-headed League").
ORGANISATION_TAILS = word_set(
    """league company society club association corporation institute institution party council
    government army navy regiment times gazette chronicle herald post journal review mail news
    committee commission ministry office department bureau agency trust fund union guild"""
)

# Given names with a usual gender: a weak cue used when no title or pronoun decides.
MALE_NAMES = word_set(
    """
    john james william george thomas henry charles robert edward richard peter paul david michael
    joseph samuel arthur frederick albert walter harry jack tom francis hugh edmund godfrey vincent
    duncan silas jonas daniel matthew mark luke simon stephen andrew philip martin oliver victor
    alexander benjamin nathaniel ralph roger lewis frank fred alfred ernest herbert leonard patrick
    sherlock jabez ezekiah archie wilhelm otto hans karl ivan pierre jean carlos owen gareth ned
    edgar felix jasper julian leo luther noah rufus silvio tobias ward
    """
)
FEMALE_NAMES = word_set(
    """
    mary margaret elizabeth anne ann jane sarah emily emma alice lucy catherine katherine kate helen
    eleanor clara charlotte louisa irene violet grace rose edith florence harriet hannah martha julia
    isabel isabella agnes ada amelia beatrice dorothy ellen esther frances laura lydia maria nora
    olivia sophia susan victoria evelyn ruth judith nell nancy molly polly bess betty ivy iris vera
    mabel marian marianne celia delia hester maud nina tess wren
    """
)

# Place-name heads and tails: "Baker Street", "Briony Lodge", "Church of St. Monica".
PLACE_TAILS = word_set(
    """
    street road square lane avenue terrace place row court gardens garden park hill bridge lodge
    hotel inn church chapel abbey cathedral house hall castle manor tower station bank museum
    theatre theater club college university school hospital prison gaol gate wharf quay pier bay
    harbour harbor river lake island isle valley wood woods forest mountain mount market cross
    common heath green palace temple mews crescent walk close yard dock docks cove beach farm mill
    cottage grange priory barracks embankment county town city village shire arms tavern office
    """
)
KNOWN_PLACES = word_set(
    """
    london paris england france germany europe america scotland ireland wales rome berlin vienna
    india china prague warsaw odessa holland italy spain russia edinburgh dublin liverpool
    manchester oxford cambridge brighton bristol york boston chicago madrid lisbon moscow
    amsterdam brussels geneva venice naples athens cairo bombay calcutta australia canada
    egypt africa asia japan africa switzerland austria belgium norway sweden denmark poland
    kensington westminster whitechapel soho chelsea hampstead bohemia
    """
)
# Common nouns that name a setting: "the sitting-room", "the harbour office".
ROOM_NOUNS: dict[str, bool | None] = {
    **dict.fromkeys(
        word_list(
            """room sitting-room drawing-room dining-room bedroom study library kitchen parlour parlor hall
        office shop cellar vault corridor passage lobby chamber studio attic basement apartment flat
        house cottage lodge hotel inn tavern pub bar restaurant cafe church chapel bank station
        hospital ward prison cell school classroom museum theatre theater warehouse stable barn
        carriage cab train compartment cabin"""
        ),
        True,
    ),
    **dict.fromkeys(
        word_list("""street road lane square park garden gardens yard courtyard quay pier wharf dock harbour
        harbor bridge river shore beach field fields forest wood woods hill moor market alley
        churchyard graveyard cemetery rooftop roof deck platform avenue terrace"""),
        False,
    ),
}

# Verbs of speaking (and thinking) that make a dialogue tag.
SPEECH_VERBS = word_set(
    """
    said says say asked asks answered answers replied replies cried cries remarked remarks observed
    continued added exclaimed shouted whispered murmured muttered growled snapped called began
    returned retorted responded interrupted repeated explained suggested demanded insisted
    protested laughed sighed sobbed groaned gasped pleaded begged urged declared announced
    admitted confessed agreed ventured hissed roared yelled screamed breathed stammered snarled
    ordered commanded warned whimpered chuckled grumbled inquired enquired queried rejoined
    thought wondered mused told answered panted shrieked sneered spat drawled faltered lied
    """
)
THOUGHT_VERBS = word_set("thought wondered mused reflected")

# Person nouns usable as a tag subject: "said our visitor", "the old man said".
PERSON_NOUNS: dict[str, Gender | None] = {
    **dict.fromkeys(word_list("man gentleman fellow boy lad youth husband father son brother uncle"), "male"),
    **dict.fromkeys(word_list("woman lady girl wife mother daughter sister aunt widow maid"), "female"),
    **dict.fromkeys(
        word_list("visitor client stranger companion friend guest host child figure clerk servant"),
        None,
    ),
}

NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        word_list(
            """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
            fifteen sixteen seventeen eighteen nineteen twenty"""
        )
    )
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80})
