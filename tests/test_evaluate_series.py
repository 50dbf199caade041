"""Series metrics: payoff cadence, who carries the story, diversity and repetition."""

from __future__ import annotations

import pytest

from microdrama.evaluate.episode import episode_metrics
from microdrama.evaluate.series import mattr, payoff_cadence, series_metrics
from microdrama.model.bible import Bible
from tests.test_evaluate_episode import STRONG, WEAK, episode

BIBLE = Bible.model_validate(
    {
        "series": {"title": "重生之后", "language": "zh", "minutes_per_episode": 1, "episode_count": 3},
        "characters": [
            {"id": "lin", "name": "沈晚", "gender": "female", "role": "protagonist"},
            {"id": "zhou", "name": "周子豪", "gender": "male", "role": "antagonist"},
        ],
    }
)


def test_payoff_cadence_checks_small_big_and_biggest_payoffs() -> None:
    steady = payoff_cadence([1, 0, 1, 3, 1, 0, 1, 4, 1, 5])
    assert steady.small_every_two == 1.0
    assert steady.longest_gap_between_big <= 5
    assert (steady.biggest_episode, steady.biggest_before_finale) == (10, True)

    sagging = payoff_cadence([3, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert sagging.small_every_two < 0.5
    assert sagging.longest_gap_between_big >= 8
    assert (sagging.biggest_episode, sagging.biggest_before_finale) == (1, False)


def test_mattr_does_not_punish_length_the_way_a_plain_ratio_does() -> None:
    varied = [f"w{i % 150}" for i in range(3000)]  # 150 words in rotation
    assert mattr(varied, window=100) == pytest.approx(1.0)
    assert mattr(["a", "b", "a", "b"], window=100) == pytest.approx(0.5)
    assert mattr([]) == 0.0


def test_series_metrics_sum_up_the_episodes() -> None:
    again = STRONG.model_copy(update={"number": 3, "is_paywall": True})
    episodes = [STRONG, WEAK.model_copy(update={"number": 2}), again]
    metrics = [episode_metrics(e, "zh") for e in episodes]
    series = series_metrics(BIBLE, episodes, metrics)
    assert series.episodes == 3
    assert series.runtime_seconds == pytest.approx(sum(m.runtime_seconds for m in metrics), abs=0.2)
    assert (series.paywall_episode, series.paywall_cliffhanger_strength) == (3, metrics[2].cliffhanger_strength)
    assert [c.id for c in series.characters] == ["lin", "zhou"] and series.characters[0].name == "沈晚"
    assert 0.5 <= series.line_concentration <= 1.0
    assert series.scene_pairs == [("lin", "zhou", 3)]
    assert series.repetition[1] == pytest.approx(0.0, abs=0.05)  # weak -> strong: different words
    identical = series_metrics(BIBLE, [STRONG, again], metrics[::2])
    assert identical.repetition == [1.0], "the same episode twice is all repetition"
    assert series.tension_arc[0] > series.tension_arc[1]
    assert "重生" not in series.tropes  # nothing in these lines is about rebirth


def test_a_lone_episode_has_no_repetition_and_one_window() -> None:
    single = episode([("lin", "neutral", "原来是你。")], "他是谁？")
    series = series_metrics(BIBLE, [single], [episode_metrics(single, "zh")])
    assert series.repetition == [] and series.payoff.small_every_two == 1.0
