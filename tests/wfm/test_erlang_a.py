"""Erlang A: abandonment, checked against a simulation of the queue it models and against
Erlang C where nobody gives up."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from minidesk.wfm import erlang, erlang_a


def simulate(
    agents: int, rate: float, aht: float, patience: float, within: float, customers: int = 200_000
) -> tuple[float, float, float]:
    """M/M/N+M first come, first served: (answered within ``within`` / offered, abandoned /
    offered, mean wait of the answered). Taken in arrival order, each contact gets the agent
    free first, unless its patience runs out before; those who leave take no agent."""
    rng = np.random.default_rng(16)
    arrivals = np.cumsum(rng.exponential(1 / rate, customers))
    services = rng.exponential(aht, customers)
    patiences = rng.exponential(patience, customers)
    free = [0.0] * agents
    in_time = abandoned = 0
    waited = 0.0
    for arrival, service, patience_of in zip(arrivals, services, patiences, strict=True):
        wait = max(0.0, free[0] - arrival)
        if wait > patience_of:
            abandoned += 1
            continue
        heapq.heapreplace(free, arrival + wait + service)
        waited += wait
        in_time += wait <= within
    answered = customers - abandoned
    return in_time / customers, abandoned / customers, waited / answered


@pytest.mark.parametrize(
    ("agents", "load", "patience"),
    [(5, 5.0, 120.0), (12, 10.0, 60.0), (3, 1.5, 300.0)],
)
def test_figures_match_a_simulation_of_impatient_callers(
    agents: int, load: float, patience: float
) -> None:
    aht, within = 300.0, 20.0
    model = erlang_a.queue(agents, load, aht, within, patience)
    in_time, abandoned, asa = simulate(agents, load / aht, aht, patience, within)
    assert model.service_level == pytest.approx(in_time, abs=0.005)
    assert model.abandon_rate == pytest.approx(abandoned, abs=0.003)
    assert model.asa == pytest.approx(asa, rel=0.04)


def test_with_endless_patience_it_is_erlang_c() -> None:
    patient = erlang_a.queue(29, 24.0, 360, 20, patience=1e8)
    waiting = erlang.queue(29, 24.0, 360, 20)
    assert patient.service_level == pytest.approx(waiting.service_level, abs=1e-6)
    assert patient.asa == pytest.approx(waiting.asa, rel=1e-4)
    assert patient.abandon_rate < 1e-6


def test_impatient_callers_need_fewer_agents_than_erlang_c_says() -> None:
    # Two-minute patience: 26 agents answer 81.7% of all callers within 20 s, 6.5% hang up.
    answer = erlang_a.agents_needed(24.0, 360, 0.8, 20, patience=120)
    assert answer.agents == 26
    assert round(answer.service_level, 4) == 0.8167
    assert round(answer.abandon_rate, 4) == 0.0648
    assert erlang_a.queue(25, 24.0, 360, 20, 120).service_level < 0.8


def test_erlang_a_staffs_a_queue_erlang_c_calls_unstable() -> None:
    # 20 agents for 24 erlangs: Erlang C's queue grows for ever; with abandonment it settles.
    overloaded = erlang_a.queue(20, 24.0, 360, 20, patience=120)
    assert erlang.queue(20, 24.0, 360, 20).service_level == 0.0
    assert 0.15 < overloaded.abandon_rate < 0.25
    assert overloaded.occupancy < 1.0
