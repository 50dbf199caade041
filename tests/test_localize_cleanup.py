"""Deterministic clean-up of translated lines: sentences, repeats, run-ons."""

from __future__ import annotations

from microdrama.localize.cleanup import sentences, source_sentences, without_run_on


def short(text: str) -> bool:
    return len(text) <= 30


def test_sentences_end_at_final_punctuation_not_at_abbreviations_or_a_hesitation() -> None:
    text = 'Mr. Lu, you came. I… I know! "Go." ¿Qué? Sí.'
    assert sentences(text) == ["Mr. Lu, you came.", "I… I know!", '"Go."', "¿Qué?", "Sí."]


def test_source_sentences_are_counted_at_chinese_final_punctuation() -> None:
    assert source_sentences("我知道。") == 1
    assert source_sentences("过河喽——") == 1
    assert source_sentences("快走！快走！") == 2
    assert source_sentences("整整半个月不在镇上。借据上却写着腊月十五。") == 2
    assert source_sentences("") == 1


def test_a_line_the_model_ran_on_past_is_cut_back_to_the_source_sentences() -> None:
    ran_on = "Soy consciente de esto. No puedo evitar que mi corazón cambie. ¿Podrías decirme cu"
    assert without_run_on("我知道。", ran_on, short) == "Soy consciente de esto."


def test_a_repetition_loop_keeps_one_sentence() -> None:
    loop = "Tidak perlu menunggu lagi. Tidak perlu menunggu lagi. Tidak perlu menunggu lagi."
    assert without_run_on("不用等了。", loop, short) == "Tidak perlu menunggu lagi."


def test_a_line_that_fits_or_matches_the_source_is_left_alone() -> None:
    assert without_run_on("快走！快走！", "Go! Go!", short) == "Go! Go!"  # the source repeats too
    assert without_run_on("我知道。", "I know. Really.", short) == "I know. Really."  # extra, but it fits
    assert without_run_on("你  好。", "  Hello   there. ", short) == "Hello there."
