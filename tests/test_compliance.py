"""Compliance checker: the real term list, normalisation, homophones, titles, review tiers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from microdrama.errors import ValidationError
from microdrama.evaluate.compliance import (
    CONTEXT_CHARS,
    Finding,
    Rules,
    check_text,
    check_title,
    load_rules,
    normalise,
    parse_rules,
    review_tier,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "compliance.md"
STORY = Path(__file__).parent / "fixtures" / "stories" / "zh-story.txt"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def found(findings: list[Finding]) -> list[tuple[str, str, str, str]]:
    return [(finding.category, finding.term, finding.matched, finding.kind) for finding in findings]


# --- the term list --------------------------------------------------------------------------


def test_every_category_is_sourced_dated_documented_and_sized(rules: Rules) -> None:
    ids = {rule.id for rule in rules.categories}
    assert {"violence", "vulgarity", "superstition", "gambling", "drugs", "money-worship"} <= ids
    docs = DOCS.read_text(encoding="utf-8")
    for rule in (*rules.categories, *rules.title_rules):
        assert rule.source and re.search(r"20\d\d", rule.date), rule.id
        assert f"`{rule.id}`" in docs, f"{rule.id} is not in docs/compliance.md"
    for rule in rules.categories:
        assert 12 <= len(rule.terms) <= 30, rule.id
    assert "霸总" in rules.rule("domineering-ceo-title").terms
    assert all("霸总" not in rule.terms for rule in rules.categories)  # a title rule, not a content one


# --- matching -------------------------------------------------------------------------------


def test_exact_match_with_context_from_the_original(rules: Rules) -> None:
    text = "第一场。夜，城郊。沈默推开铁门，走进地下赌场，烟雾弥漫，人声鼎沸，所有人都在看他。"
    [finding] = check_text(text, rules, "episode 3, line 3-2-1.0")
    assert found([finding]) == [("gambling", "赌场", "赌场", "exact")]
    assert finding.where == "episode 3, line 3-2-1.0"
    assert text[finding.start : finding.end] == "赌场"
    assert finding.context == text[finding.start - CONTEXT_CHARS : finding.end + CONTEXT_CHARS]
    assert finding.context[finding.context_start :].startswith("赌场")
    assert finding.marked == "，城郊。沈默推开铁门，走进地下【赌场】，烟雾弥漫，人声鼎沸，所有人都"


def test_dodged_spellings_are_found_and_mapped_back(rules: Rules) -> None:
    cases = {
        "他走进了賭 場。": "賭 場",  # traditional, with a space
        "他走进了赌·场。": "赌·场",
        "他走进了赌*场。": "赌*场",
        "他走进了赌\u200b场。": "赌\u200b场",  # zero-width space
        "血-流_成.河": "血-流_成.河",
        "今晚玩ＢＡＣＣＡＲＡＴ吗": "ＢＡＣＣＡＲＡＴ",  # full-width Latin
        "来一把c*a*s*i*n*o": "c*a*s*i*n*o",
        "ＡＬＬ　ＩＮ！": "ＡＬＬ　ＩＮ",
    }
    for text, matched in cases.items():
        findings = check_text(text, rules, "x")
        assert [(f.matched, f.kind) for f in findings] == [(matched, "normalised")], text
        assert text[findings[0].start : findings[0].end] == matched


def test_homophones_are_found_and_labelled(rules: Rules) -> None:
    assert found(check_text("他又去了堵场。", rules)) == [("gambling", "赌场", "堵场", "homophone")]
    assert found(check_text("堵·场子里输光了", rules)) == [("gambling", "赌场", "堵·场", "homophone")]
    assert found(check_text("他在吃要头丸", rules)) == [("drugs", "摇头丸", "要头丸", "homophone")]
    # Written in pinyin, full-width or split, is the same term said aloud.
    assert found(check_text("玩ｂａｉｊｉａｌｅ", rules)) == [("gambling", "百家乐", "ｂａｉｊｉａｌｅ", "homophone")]
    assert found(check_text("bai-jia-le", rules)) == [("gambling", "百家乐", "bai-jia-le", "homophone")]


def test_clean_passages_give_no_findings(rules: Rules) -> None:
    clean = [
        "她笑着说：“明天的发布会，你一定要来。”",
        "他去赌，场面一下子乱了。",  # a clause mark is not a dodge separator
        "独唱会上，她唱得很好。",  # sounds like 赌场, shares nothing with it
        "政策开放以后，他改名去了法兰克福。",  # real words that sound like terms
        "一条河从村前流过，部分是因为下雨。",
        "这件民族服装很好看，很多手机都拍不出来。",
        "号码的问题，她妈的病好了，红色有点暗。",
        "The alphabet has a letter between a and c; better bet on it.",
    ]
    for text in clean:
        assert check_text(text, rules) == [], text


def test_nested_and_repeated_terms(rules: Rules) -> None:
    findings = check_text("赌场里有人砍死了赌王，赌场乱了", rules)
    assert [(f.term, f.start) for f in findings] == [("赌场", 0), ("砍死", 5), ("赌王", 8), ("赌场", 11)]
    # A longer term of the same category covers the shorter one inside it.
    assert [f.term for f in check_text("滚你妈的", rules)] == ["滚你妈"]


def test_offsets_map_back_through_width_and_separators() -> None:
    text = "Ａ賭 · 場Ｂ"
    normalised = normalise(text)
    assert normalised.text == "a赌场b"
    assert [text[at] for at in normalised.origin] == ["Ａ", "賭", "場", "Ｂ"]
    assert normalise("他去赌，场面").text == "他去赌,场面"  # the comma stays, as a half-width one
    assert normalise("all in").text == "all in"  # Latin words keep their spaces


def test_nothing_is_changed(rules: Rules) -> None:
    text = "他把黑卡拍在桌上：“这栋楼，我买了。”"
    before = text
    findings = check_text(text, rules, "episode 1")
    assert text == before
    assert found(findings) == [("money-worship", "黑卡", "黑卡", "exact")]


# --- titles ----------------------------------------------------------------------------------


def test_title_rules_apply_to_titles_only(rules: Rules) -> None:
    title = check_title("闪婚后，霸道总裁宠翻天", rules)
    assert found(title) == [("domineering-ceo-title", "霸道总裁", "霸道总裁", "exact")]
    assert title[0].where == "title"
    assert found(check_title("霸總的契約新娘", rules))[0][:3] == ("domineering-ceo-title", "霸总", "霸總")
    assert check_text("总裁走进会议室。", rules) == []  # in dialogue the word is ordinary
    assert [f.category for f in check_title("血流成河的赌场", rules)] == ["violence", "gambling"]
    assert check_title("外卖小哥的逆袭人生", rules) == []


# --- review tier -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "tier"),
    [
        (None, "unknown"),
        (-5, "unknown"),
        (float("nan"), "unknown"),
        (0, "其他"),
        (299_999, "其他"),
        (299_999.99, "其他"),
        (300_000, "普通"),
        (999_999, "普通"),
        (999_999.999, "普通"),
        (1_000_000, "重点"),
        (25_000_000, "重点"),
    ],
)
def test_review_tier_boundaries(budget: float | None, tier: str) -> None:
    result = review_tier(budget)
    assert result.name == tier
    assert "1,000,000" in result.explanation and "300,000" in result.explanation
    assert "2024-06-01" in result.explanation


def test_review_tier_never_rounds_a_budget_up() -> None:
    assert "999,999.999 yuan" in review_tier(999_999.999).explanation


# --- the data file ---------------------------------------------------------------------------

GOOD_RULE = """
  - id: gambling
    name_zh: 赌博
    name_en: Gambling
    source: a published rule
    date: "2017"
    note: a note
    terms: [赌场]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "compliance.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_custom_list_loads(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, "version: 1\ncategories:" + GOOD_RULE + "title_rules: []\n"))
    assert found(check_text("去賭場", rules)) == [("gambling", "赌场", "賭場", "normalised")]
    unquoted = GOOD_RULE.replace('"2017"', "2024-06-01")  # read by YAML as a date
    assert load_rules(write(tmp_path, "version: 1\ncategories:" + unquoted)).categories[0].date == "2024-06-01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\ncategories: [\n", "YAML syntax error"),
        ("- just a list\n", "expected a mapping"),
        ("version: 2\ncategories:" + GOOD_RULE, "'version' must be 1"),
        ("version: 1\ncategories: []\n", "at least one category"),
        ("version: 1\ncatgories:" + GOOD_RULE, "unknown key(s) catgories"),
        ("version: 1\ncategories:" + GOOD_RULE.replace("    note: a note\n", ""), "categories[0] (gambling)"),
        ("version: 1\ncategories:" + GOOD_RULE.replace('"2017"', "soon"), "'date' must contain a year"),
        ("version: 1\ncategories:" + GOOD_RULE.replace("[赌场]", "[]"), "'terms' must be a non-empty list"),
        ("version: 1\ncategories:" + GOOD_RULE.replace("[赌场]", "[赌场, 3]"), "term 3 is not text"),
        ("version: 1\ncategories:" + GOOD_RULE.replace("[赌场]", "[赌场, 賭場]"), "listed twice"),
        ("version: 1\ncategories:" + GOOD_RULE + GOOD_RULE, "rule id(s) used twice: gambling"),
    ],
)
def test_a_malformed_list_names_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValidationError) as error:
        load_rules(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_a_missing_list_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="compliance term list is missing"):
        load_rules(tmp_path / "nowhere.yaml")
    with pytest.raises(ValidationError, match="missing field"):
        parse_rules("version: 1\ncategories:\n  - id: x\n", "inline.yaml")


# --- speed -----------------------------------------------------------------------------------


def test_a_hundred_episodes_check_quickly(rules: Rules) -> None:
    story = STORY.read_text(encoding="utf-8")
    series = (story * (200_000 // len(story) + 1))[:200_000] + "堵场"
    started = time.perf_counter()
    findings = check_text(series, rules, "series")
    elapsed = time.perf_counter() - started
    assert findings[-1].kind == "homophone"
    assert elapsed < 3, f"{elapsed:.2f} s for 200,000 characters"  # about 0.5 s on one core
