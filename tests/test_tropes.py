"""Trope tagging against the documented taxonomy, and how rare a combination of tropes is."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from microdrama.errors import ValidationError
from microdrama.evaluate.tropes import (
    combination_rarity,
    load_taxonomy,
    parse_taxonomy,
    tag_tropes,
    trope_names,
    trope_set,
)

DOCS = Path(__file__).parent.parent / "docs" / "tropes.md"

REBIRTH_REVENGE = (
    "雨夜，林晚猛地睁开眼，发现自己回到了十八岁那年。前世，她被继母和妹妹害死在出租屋里。"
    "这一世，她发誓要让她们血债血偿。订婚宴上，未婚夫当众宣布退婚，全场哗然。"
)
WAR_GOD = (
    "三年前，叶凡入赘秦家，成了人人看不起的上门女婿。老太太大寿那天，门外停满军车，"
    "白发将军单膝跪下：“北境十万将士，恭迎战神回归！”"
)
CONTRACT_CEO = (
    "Episode one. Ethan Cole, the CEO of Cole Dynamics, needs a wife for one year to keep his inheritance. "
    "Chloe signs the marriage contract on the hood of his car. At the family dinner in the mansion, "
    "his stepmother calls her a gold digger in front of everyone."
)


def test_the_taxonomy_has_the_tropes_the_genre_is_made_of() -> None:
    taxonomy = load_taxonomy()
    assert len(taxonomy.tropes) >= 25
    names = {trope.zh for trope in taxonomy.tropes}
    for name in ("重生", "穿越", "赘婿", "战神", "真假千金", "霸总", "闪婚", "马甲", "萌宝", "系统", "复仇", "恶婆婆"):
        assert name in names
    for trope in taxonomy.tropes:
        assert trope.en and trope.description
        assert trope.cues_zh and trope.cues_en, trope.id  # both languages can be tagged
    assert trope_names(["rebirth", "war_god"]) == ["重生 Rebirth", "战神 War god"]


def test_every_trope_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    documented = re.findall(r"^### (\S+) .+ \(`([a-z_]+)`\)$", docs, flags=re.MULTILINE)
    assert [(trope.zh, trope.id) for trope in load_taxonomy().tropes] == documented
    for trope in load_taxonomy().tropes:
        section = docs.split(f"(`{trope.id}`)", 1)[1].split("###", 1)[0]
        assert trope.description in section
        assert all(cue in section for cue in trope.cues_zh + trope.cues_en)


def test_chinese_cues_are_counted_with_their_context() -> None:
    hits = tag_tropes(REBIRTH_REVENGE)
    assert {"rebirth", "revenge", "broken_engagement", "evil_mother_in_law", "face_slapping"} <= set(hits)
    rebirth = hits["rebirth"]
    assert rebirth.count == 3
    assert rebirth.cues == ("回到了十八岁", "前世", "这一世")
    assert rebirth.examples[0] == "林晚猛地睁开眼，发现自己[回到了十八岁]那年。前世，她被继母和妹"
    assert list(hits) == [t for t in load_taxonomy().ids if t in hits]  # taxonomy order

    war = tag_tropes(WAR_GOD)
    assert {"live_in_son_in_law", "war_god"} <= set(war)
    assert war["war_god"].cues == ("北境", "将士", "恭迎", "战神")


def test_english_cues_are_whole_words_and_fold_case() -> None:
    hits = tag_tropes(CONTRACT_CEO)
    assert {"domineering_ceo", "contract_marriage", "wealthy_family", "face_slapping"} <= set(hits)
    assert hits["contract_marriage"].cues == ("wife for one year", "marriage contract")  # in text order
    assert hits["domineering_ceo"].cues == ("CEO",)
    # "their" holds "heir"; whole words only.
    assert "wealthy_family" not in tag_tropes("They took their car.")
    assert tag_tropes("She TRANSMIGRATED into the novel.")["transmigration"].count == 2
    assert tag_tropes("Ding! The quest begins.")["system"].cues == ("Ding!",)
    assert tag_tropes("全公司都知道ＣＥＯ回来了")["domineering_ceo"].cues == ("ＣＥＯ",)


def test_patterns_keep_common_words_from_over_matching() -> None:
    assert "rebirth" not in tag_tropes("她回到了家，把门关上。")
    assert "rebirth" in tag_tropes("她回到了二十岁。")
    assert "rebirth" in tag_tropes("She woke up five years earlier, in her old bed.")


def test_overlapping_cues_count_once() -> None:
    hits = tag_tropes("He is the live-in son-in-law.")
    assert hits["live_in_son_in_law"].count == 1
    assert hits["live_in_son_in_law"].cues == ("live-in son-in-law",)


def test_nothing_to_tag_gives_nothing() -> None:
    assert tag_tropes("") == {}
    assert tag_tropes("The weather was fine and we walked to the park.") == {}


def test_trope_sets_keep_the_tropes_with_enough_evidence() -> None:
    hits = tag_tropes(REBIRTH_REVENGE)
    assert "rebirth" in trope_set(hits, min_count=3)
    assert "broken_engagement" in trope_set(hits) and "broken_engagement" not in trope_set(hits, min_count=3)


def test_a_common_combination_is_less_rare_than_an_unseen_one() -> None:
    catalog = [{"rebirth", "revenge"}] * 6 + [{"rebirth", "revenge", "domineering_ceo"}] * 3 + [{"palace_intrigue"}]
    common = combination_rarity({"rebirth", "revenge"}, catalog)
    narrower = combination_rarity({"rebirth", "revenge", "domineering_ceo"}, catalog)
    unseen = combination_rarity({"rebirth", "palace_intrigue"}, catalog)
    assert common == pytest.approx(-math.log2((9 + 1) / (10 + 2)))
    assert common < narrower < unseen == pytest.approx(math.log2(12))
    assert combination_rarity(set(), catalog) == pytest.approx(-math.log2(11 / 12))  # no tropes: nothing rare
    assert combination_rarity({"rebirth"}, []) == 1.0  # an empty catalog: no evidence either way


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tropes: [", "YAML syntax error"),
        ("tropes: []", "non-empty list under 'tropes'"),
        ("tropes:\n  - id: Rebirth\n    zh: 重生\n    en: R\n    description: d\n    cues: {zh: [重生]}", "lower-case"),
        ("tropes:\n  - id: rebirth\n    zh: 重生\n    en: R\n    description: d\n    cues: [重生]", "'cues' must map"),
        (
            "tropes:\n  - id: rebirth\n    zh: 重生\n    en: R\n    description: d\n    cues: {zh: []}",
            "at least one cue",
        ),
        ("tropes:\n  - id: rebirth\n    zh: 重生\n    en: R\n    cues: {zh: [重生]}", "'description' must be"),
        (
            "tropes:\n  - id: rebirth\n    zh: 重生\n    en: R\n    description: d\n    cues: {zh: [重生]}\n"
            "    patterns: ['(']",
            "not a valid regular expression",
        ),
        (
            "tropes:\n"
            "  - {id: rebirth, zh: 重生, en: R, description: d, cues: {zh: [重生]}}\n"
            "  - {id: rebirth, zh: 重生, en: R, description: d, cues: {zh: [前世]}}",
            "listed twice",
        ),
    ],
)
def test_a_malformed_taxonomy_is_a_validation_error(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        parse_taxonomy(text, "tropes.yaml")


def test_a_taxonomy_file_of_ones_own(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "tropes:\n  - {id: robots, zh: 机器人, en: Robots, description: d, cues: {zh: [机器人], en: [robot*]}}\n",
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(path)
    assert tag_tropes("Two robots and a 机器人.", taxonomy)["robots"].count == 2
    with pytest.raises(ValidationError, match="missing"):
        load_taxonomy(tmp_path / "absent.yaml")
