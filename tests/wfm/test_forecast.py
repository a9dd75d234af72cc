"""The forecast: weekday and intraday seasonality, trend, holidays, and its held-out score."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.typing import NDArray

from minidesk.wfm.forecast import backtest, forecast

MONDAY = dt.date(2026, 9, 7)
WEEKDAY = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.4])  # Monday busiest, Sunday quietest
SLOTS = 48
# Traffic peaks at 13:00 (slot 26) and is near nil at night.
PROFILE = np.exp(-(((np.arange(SLOTS) - 26) / 6) ** 2))
PROFILE /= PROFILE.sum()


def expected(day: int, growth: float = 2.0) -> NDArray[np.float64]:
    """One day's arrivals per half hour: 200 a day plus ``growth`` a day, by weekday."""
    weekday = (MONDAY + dt.timedelta(days=day)).weekday()
    return (200 + growth * day) * WEEKDAY[weekday] * PROFILE


def history(days: int, noise: bool = False, growth: float = 2.0) -> NDArray[np.float64]:
    rates = np.array([expected(d, growth) for d in range(days)])
    return np.random.default_rng(7).poisson(rates).astype(float) if noise else rates


def test_a_desk_that_follows_its_pattern_is_forecast_exactly() -> None:
    ahead = forecast(history(56), MONDAY, holidays=())
    truth = np.array([expected(d) for d in range(56, 63)])
    assert ahead.first_day == MONDAY + dt.timedelta(weeks=8)
    assert ahead.volume.shape == (7, SLOTS)
    assert ahead.volume == pytest.approx(truth, rel=1e-6)
    assert ahead.trend_per_week == pytest.approx(14 * np.mean(WEEKDAY), rel=1e-6)


def test_a_history_cut_mid_week_still_finds_the_weekdays() -> None:
    # 52 days: the last week stops on a Friday, so raw weekday means carry the growth.
    ahead = forecast(history(52), MONDAY, holidays=())
    truth = np.array([expected(d) for d in range(52, 59)])
    assert ahead.volume.sum(axis=1) == pytest.approx(truth.sum(axis=1), rel=0.01)


def test_noisy_traffic_is_forecast_within_a_few_percent_a_day() -> None:
    ahead = forecast(history(56, noise=True), MONDAY, holidays=())
    truth = np.array([expected(d) for d in range(56, 63)]).sum(axis=1)
    assert np.abs(ahead.volume.sum(axis=1) / truth - 1).max() < 0.06


def test_accuracy_is_scored_on_the_last_week_held_out() -> None:
    counts = history(56, noise=True)
    score = backtest(counts, MONDAY, holidays=())
    assert score is not None
    assert score.held_out_from == MONDAY + dt.timedelta(weeks=7)
    assert score.actual == counts[-7:].sum()
    assert 0 < score.mape < 0.1  # daily totals (Poisson noise alone is ~6% a day)
    assert score.wape is not None and score.mape < score.wape < 0.3  # half hours are noisier
    assert backtest(history(13), MONDAY, holidays=()) is None  # two weeks at least


def test_a_holiday_takes_the_share_past_holidays_showed() -> None:
    counts = history(56, growth=0)
    bank_holiday = MONDAY + dt.timedelta(days=21)  # a Monday at 30% of a Monday
    counts[21] *= 0.3
    next_one = MONDAY + dt.timedelta(days=58)  # the Wednesday of the forecast week
    ahead = forecast(counts, MONDAY, holidays={bank_holiday, next_one})
    assert ahead.holiday_factor == pytest.approx(0.3)
    assert ahead.holidays == (next_one,)
    wednesday = ahead.volume[2].sum()
    assert wednesday == pytest.approx(0.3 * 200 * WEEKDAY[2])
    # The holiday did not drag down ordinary Mondays.
    assert ahead.volume[0].sum() == pytest.approx(200 * WEEKDAY[0])


def test_without_a_past_holiday_one_ahead_is_forecast_as_usual_and_flagged() -> None:
    holiday = MONDAY + dt.timedelta(days=56)
    ahead = forecast(history(56, growth=0), MONDAY, holidays={holiday})
    assert ahead.holiday_factor is None
    assert ahead.holidays == (holiday,)
    assert ahead.volume[0].sum() == pytest.approx(200 * WEEKDAY[0])


def test_a_short_history_forecasts_its_mean_without_a_trend() -> None:
    ahead = forecast(history(10), MONDAY, holidays=())
    assert ahead.trend_per_week == 0.0
    assert ahead.volume.sum() > 0


def test_days_before_the_desk_opened_are_not_a_trend() -> None:
    counts = np.concatenate((np.zeros((28, SLOTS)), history(28, growth=0)))
    ahead = forecast(counts, MONDAY - dt.timedelta(weeks=4), holidays=())
    assert ahead.trend_per_week == pytest.approx(0, abs=1e-9)
    assert ahead.volume[0].sum() == pytest.approx(200 * WEEKDAY[0])
    # Scored only once two weeks of traffic exist behind the held-out week's start.
    assert backtest(counts[:40], MONDAY - dt.timedelta(weeks=4), holidays=()) is None
