"""Erlang C against an established implementation, and at sizes where naive formulas break.

The reference is pyworkforce (MIT, rodrigo-arenas/pyworkforce: ``queuing.ErlangC``), installed
by the ``test`` extra only. It takes minutes where we take seconds. (Its search for the
agents needed starts at ``round(A + 1)``, which would skip ``floor(A) + 1`` should that already
meet the target; no case of the grid comes near that, so every case must agree exactly.)
"""

from __future__ import annotations

import itertools
import math
import os

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp

from minidesk.wfm import erlang
from minidesk.wfm.calculator import Demand, staff

if os.environ.get("CI") == "true":
    from pyworkforce.queuing import ErlangC
else:
    ErlangC = pytest.importorskip("pyworkforce.queuing").ErlangC

VOLUMES_PER_HOUR = (20, 50, 100, 180, 240, 400, 650, 1000, 1800, 3000)
AHT_SECONDS = (120, 240, 360, 600, 900)
TARGETS = (0.7, 0.8, 0.9, 0.95)
ANSWER_WITHIN = (10, 20, 30, 60, 120)
GRID = list(itertools.product(VOLUMES_PER_HOUR, AHT_SECONDS, TARGETS, ANSWER_WITHIN))


def reference(volume: float, aht: float, answer_within: float, shrinkage: float = 0.0) -> ErlangC:
    return ErlangC(
        transactions=volume, aht=aht / 60, asa=answer_within / 60, interval=60, shrinkage=shrinkage
    )


def test_the_grid_has_1000_cases() -> None:
    assert len(GRID) == 1000


def test_1000_cases_agree_with_pyworkforce() -> None:
    for volume, aht, target, within in GRID:
        ours = erlang.agents_needed(volume * aht / 3600, aht, target, within)
        ref = reference(volume, aht, within)
        theirs = ref.required_positions(service_level=target)
        case = (volume, aht, target, within)
        assert ours.agents == theirs["raw_positions"], case
        assert ours.service_level == pytest.approx(theirs["service_level"], rel=1e-9), case
        assert ours.occupancy == pytest.approx(theirs["occupancy"], rel=1e-12), case
        assert ours.wait_probability == pytest.approx(theirs["waiting_probability"], rel=1e-9)
        # And one agent fewer misses the target, by pyworkforce's own service level.
        if ours.agents - 1 > ref.intensity:
            assert ref.service_level(ours.agents - 1) < target, case


@pytest.mark.parametrize("volume", [180, 650, 3000])
def test_occupancy_cap_and_shrinkage_agree_with_pyworkforce(volume: int) -> None:
    for aht, target in itertools.product(AHT_SECONDS, TARGETS):
        demand = Demand(
            volume=volume,
            aht=aht,
            target=target,
            answer_within=20,
            interval=3600,
            shrinkage=0.3,
            max_occupancy=0.85,
        )
        ours = staff(demand)
        theirs = reference(volume, aht, 20, shrinkage=0.3).required_positions(
            service_level=target, max_occupancy=0.85
        )
        assert ours.agents == theirs["raw_positions"]
        assert math.ceil(ours.fte - 1e-9) == theirs["positions"]
        assert ours.occupancy == pytest.approx(theirs["occupancy"])


def log_space_erlang_c(agents: int, load: float) -> float:
    """Erlang C straight from its definition, summed in log space (independent of the
    recursion)."""
    k = np.arange(agents)
    terms = k * math.log(load) - gammaln(k + 1)
    top = agents * math.log(load) - gammaln(agents + 1) + math.log(agents / (agents - load))
    return math.exp(top - logsumexp(np.append(terms, top)))


@pytest.mark.parametrize("load", [0.3, 24.0, 480.5, 2000.0, 9000.0])
def test_large_queues_stay_exact(load: float) -> None:
    # A**N / N! overflows a double from N = 171; the recursion does not care.
    answer = erlang.agents_needed(load, 300, 0.8, 20)
    assert math.isfinite(answer.service_level)
    assert answer.wait_probability == pytest.approx(
        log_space_erlang_c(answer.agents, load), rel=1e-9
    )
    if load > 100:
        assert answer.agents - load < 0.02 * load + 10  # big queues run hot (economies of scale)
