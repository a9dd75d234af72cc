"""Arrivals forecast: level and trend x weekday index x intraday profile, holidays apart.

The classic decomposition a workforce planner reads at a glance (and can argue with):

- daily volume = (level + trend · day) x weekday index, fitted on ordinary days;
- each weekday's intraday profile (share of the day per interval), pulled towards the
  all-days profile when a weekday has few days behind it, so one odd Tuesday cannot shape every
  Tuesday;
- a holiday gets the ratio past holidays showed to their expected volume; with none in the
  history it is forecast as an ordinary day and flagged.

Accuracy is measured the way it will be used: fit on all but the last week, forecast that
week, compare (MAPE over its days, WAPE over its intervals).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

WEEK = 7
# Fewer ordinary days than this and a slope is noise: forecast the mean level instead.
MIN_DAYS_FOR_TREND = 14
REFITS = 5


@dataclass(frozen=True)
class Forecast:
    first_day: dt.date
    volume: NDArray[np.float64]  # days x intervals
    holidays: tuple[dt.date, ...]  # forecast days that are holidays
    holiday_factor: float | None  # measured share of an ordinary day; None: not measured
    weekday_index: tuple[float, ...]  # Monday first
    trend_per_week: float  # change in daily volume per week (ordinary day, before index)


@dataclass(frozen=True)
class Accuracy:
    held_out_from: dt.date
    mape: float | None  # mean |forecast - actual| / actual over the week's days with traffic
    wape: float | None  # Σ|forecast - actual| / Σ actual over the week's intervals
    actual: float
    forecast: float


def forecast(
    counts: NDArray[np.float64], first_day: dt.date, holidays: Collection[dt.date], days: int = WEEK
) -> Forecast:
    """Forecast ``days`` days after the history ``counts`` (days x intervals from
    ``first_day``)."""
    lead = _opening(counts)
    if lead:
        return forecast(counts[lead:], first_day + dt.timedelta(days=lead), holidays, days)
    history_days, slots = counts.shape
    daily = counts.sum(axis=1)
    dates = [first_day + dt.timedelta(days=d) for d in range(history_days)]
    weekdays = np.array([d.weekday() for d in dates])
    holiday = np.array([d in holidays for d in dates], dtype=bool)
    ordinary = ~holiday

    index = _weekday_index(daily[ordinary], weekdays[ordinary])
    level, slope = _trend(daily, weekdays, ordinary, index)
    # Raw weekday means carry the trend (late weeks are busier, and the last week may be cut
    # short): refit the index against the trend line and the line on the new index, a few
    # rounds, until each stops moving the other.
    for _ in range(REFITS):
        line = level + slope * np.arange(history_days)
        if not slope or (line[ordinary] <= 0).any():
            break
        index = _weekday_index(daily[ordinary] / line[ordinary], weekdays[ordinary])
        level, slope = _trend(daily, weekdays, ordinary, index)
    profiles = _profiles(counts[ordinary], weekdays[ordinary], slots)

    past_holidays = np.nonzero(holiday)[0]
    factor: float | None = None
    if len(past_holidays):
        expected = np.array([(level + slope * h) * index[weekdays[h]] for h in past_holidays])
        if expected.sum() > 0:
            factor = float(daily[past_holidays].sum() / expected.sum())

    out = np.zeros((days, slots))
    ahead = [first_day + dt.timedelta(days=history_days + f) for f in range(days)]
    for f, day in enumerate(ahead):
        volume = max(0.0, level + slope * (history_days + f)) * index[day.weekday()]
        if day in holidays and factor is not None:
            volume *= factor
        out[f] = volume * profiles[day.weekday()]
    return Forecast(
        first_day=ahead[0],
        volume=out,
        holidays=tuple(d for d in ahead if d in holidays),
        holiday_factor=factor,
        weekday_index=tuple(float(x) for x in index),
        trend_per_week=float(slope * WEEK),
    )


def backtest(
    counts: NDArray[np.float64], first_day: dt.date, holidays: Collection[dt.date]
) -> Accuracy | None:
    """Fit on all but the last week and score the forecast of that week; None with less than
    two weeks of history."""
    lead = _opening(counts)
    counts, first_day = counts[lead:], first_day + dt.timedelta(days=lead)
    if counts.shape[0] < 2 * WEEK:
        return None
    train, held = counts[:-WEEK], counts[-WEEK:]
    predicted = forecast(train, first_day, holidays).volume
    actual_days, predicted_days = held.sum(axis=1), predicted.sum(axis=1)
    busy = actual_days > 0
    mape = (
        float(np.mean(np.abs(predicted_days[busy] - actual_days[busy]) / actual_days[busy]))
        if busy.any()
        else None
    )
    total = float(held.sum())
    wape = float(np.abs(predicted - held).sum() / total) if total > 0 else None
    return Accuracy(
        held_out_from=first_day + dt.timedelta(days=counts.shape[0] - WEEK),
        mape=mape,
        wape=wape,
        actual=total,
        forecast=float(predicted.sum()),
    )


def _opening(counts: NDArray[np.float64]) -> int:
    """Days before the first contact: before the desk opened (or its history was imported),
    not quiet days; fitted as such, a ramp from nothing would read as growth."""
    daily = counts.sum(axis=1)
    return int(np.argmax(daily > 0)) if daily.any() else 0


def _weekday_index(daily: NDArray[np.float64], weekdays: NDArray[np.int_]) -> NDArray[np.float64]:
    """Each weekday's mean volume over the mean of all ordinary days (1 where unseen)."""
    index = np.ones(WEEK)
    overall = daily.mean() if len(daily) else 0.0
    if overall <= 0:
        return index
    for w in range(WEEK):
        seen = daily[weekdays == w]
        if len(seen):
            index[w] = seen.mean() / overall
    return index


def _trend(
    daily: NDArray[np.float64],
    weekdays: NDArray[np.int_],
    ordinary: NDArray[np.bool_],
    index: NDArray[np.float64],
) -> tuple[float, float]:
    """Level at day 0 and slope per day of the weekday-adjusted daily volume."""
    usable = ordinary & (index[weekdays] > 0)
    if not usable.any():
        return 0.0, 0.0
    day = np.nonzero(usable)[0].astype(float)
    adjusted = daily[usable] / index[weekdays[usable]]
    if len(day) < MIN_DAYS_FOR_TREND:
        return float(adjusted.mean()), 0.0
    slope, level = np.polyfit(day, adjusted, 1)
    return float(level), float(slope)


def _profiles(
    counts: NDArray[np.float64], weekdays: NDArray[np.int_], slots: int
) -> NDArray[np.float64]:
    """Per weekday, the share of the day's volume in each interval (rows sum to 1)."""
    flat = np.full(slots, 1.0 / slots)
    overall = counts.sum(axis=0)
    base = overall / overall.sum() if overall.sum() > 0 else flat
    days_seen = max(1, len(counts))
    mean_day = counts.sum() / days_seen
    profiles = np.tile(base, (WEEK, 1))
    for w in range(WEEK):
        mine = counts[weekdays == w].sum(axis=0)
        # One average day's worth of the all-days shape as a prior.
        blended = mine + mean_day * base
        if blended.sum() > 0:
            profiles[w] = blended / blended.sum()
    return profiles
