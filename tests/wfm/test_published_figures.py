"""The textbook figures, through the command a planner types."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from minidesk.cli import app


def staff(*args: str) -> dict[str, float]:
    result = CliRunner().invoke(app, ["staff", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_240_calls_an_hour_at_six_minutes_need_29_agents_for_80_in_20() -> None:
    # The worked example of every Erlang C primer: 24 erlangs, 80% within 20 seconds.
    answer = staff("--volume", "240", "--aht", "360", "--target", "0.8", "--answer-within", "20")
    assert answer["agents"] == 29
    assert round(answer["service_level"], 4) == 0.8165
    assert round(answer["occupancy"], 3) == 0.828
    assert answer["wait_probability"] == 0.2423
    assert answer["asa"] == 17.4437  # seconds: C x AHT / (N - A) = 0.2423 x 360 / 5
    assert answer["load"] == 24.0


def test_one_agent_fewer_misses_the_target() -> None:
    answer = staff("--volume", "240", "--aht", "360", "--target", "0.7")
    # 28 agents answer 73.3% within 20 s (ASA 30 s): enough for 70%, not for 80%.
    assert answer["agents"] == 28
    assert answer["service_level"] == 0.7332
    assert answer["asa"] == 29.9825


def test_2400_contacts_a_day_at_six_minutes_need_45_to_55_fte_with_shrinkage() -> None:
    # Assumptions: the desk is open 8 hours (one shift), the 2,400 contacts spread evenly
    # over them (300 an hour, 30 erlangs), 80% within 20 s, 30% shrinkage.
    hourly = staff("--volume", "300", "--aht", "360", "--shrinkage", "0.3")
    assert hourly["agents"] == 36
    assert hourly["fte"] == 51.4286  # 36 / 0.7
    assert 45 <= hourly["fte"] <= 55
    # The same day in half-hours plans the same people.
    half_hourly = staff(
        "--volume", "150", "--aht", "360", "--interval", "1800", "--shrinkage", "0.3"
    )
    assert half_hourly["agents"] == 36


def test_the_plain_output_names_each_figure() -> None:
    result = CliRunner().invoke(
        app, ["staff", "--volume", "240", "--aht", "360", "--shrinkage", "0.3"]
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[:5] == [
        "agents needed    29",
        "FTE to schedule  41.4  (30% shrinkage)",
        "service level    81.65% answered within 20 s (target 80%)",
        "ASA              17.4 s",
        "occupancy        82.8%",
    ]


def test_impossible_inputs_are_refused_with_the_reason() -> None:
    result = CliRunner().invoke(app, ["staff", "--volume", "240", "--aht", "0"])
    assert result.exit_code == 2
    assert "handle time must be > 0" in result.output
    result = CliRunner().invoke(app, ["staff", "--volume", "240", "--aht", "360", "--target", "1"])
    assert result.exit_code == 2
    assert "between 0 and 1" in result.output
    result = CliRunner().invoke(app, ["staff", "--aht", "360"])
    assert result.exit_code == 2
    assert "give --volume and --aht" in result.output
