"""``minidesk staff``: the Erlang calculator, and ``minidesk staff plan`` for a week's plan."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from minidesk.wfm.calculator import Demand, Mode, Staffing, staff
from minidesk.wfm.erlang import ErlangError

app = typer.Typer(
    help="Staffing: agents needed for a service level (Erlang C, Erlang A with --patience).",
    invoke_without_command=True,
    no_args_is_help=False,
)

Target = Annotated[float, typer.Option(help="Service-level target: share answered in time.")]
Within = Annotated[float, typer.Option(help="Answer-time threshold, seconds.")]
Shrinkage = Annotated[float, typer.Option(help="Share of paid time off the phones (0.3).")]
Occupancy = Annotated[float, typer.Option(help="Cap on the share of time agents are busy.")]
Concurrency = Annotated[int, typer.Option(help="Conversations one agent holds at once (chat).")]
Patience = Annotated[
    float | None, typer.Option(help="Mean seconds before a contact gives up: Erlang A.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@app.callback()
def calculator(
    ctx: typer.Context,
    volume: Annotated[float | None, typer.Option(help="Contacts arriving per interval.")] = None,
    aht: Annotated[float | None, typer.Option(help="Average handle time, seconds.")] = None,
    target: Target = 0.8,
    answer_within: Within = 20,
    shrinkage: Shrinkage = 0.0,
    interval: Annotated[
        int, typer.Option(help="Interval the volume arrives in, seconds (3600: per hour).")
    ] = 3600,
    max_occupancy: Occupancy = 1.0,
    concurrency: Concurrency = 1,
    patience: Patience = None,
    backlog: Annotated[
        bool, typer.Option(help="Deferred work (email): workload at the occupancy cap, no queue.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Agents needed for one interval: e.g. --volume 240 --aht 360 --target 0.8
    --answer-within 20 (240 an hour, 6-minute handle time, 80% within 20 s: 29 agents)."""
    if ctx.invoked_subcommand is not None:
        return
    if volume is None or aht is None:
        typer.echo("minidesk staff: give --volume and --aht (or `minidesk staff plan`)", err=True)
        raise typer.Exit(2)
    demand = Demand(
        volume=volume,
        aht=aht,
        target=target,
        answer_within=answer_within,
        interval=interval,
        shrinkage=shrinkage,
        max_occupancy=max_occupancy,
        concurrency=concurrency,
        patience=patience,
        mode=Mode.BACKLOG if backlog else Mode.QUEUE,
    )
    try:
        result = staff(demand)
    except ErlangError as exc:
        typer.echo(f"minidesk staff: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    **result.to_json(),
                    "shrinkage": shrinkage,
                    "target": target,
                    "answer_within": answer_within,
                    "interval": interval,
                }
            )
        )
    else:
        typer.echo(_describe(result, demand))


def _describe(result: Staffing, demand: Demand) -> str:
    lines = [f"agents needed    {result.agents}"]
    if demand.shrinkage:
        lines.append(f"FTE to schedule  {result.fte:.1f}  ({demand.shrinkage:.0%} shrinkage)")
    if result.service_level is not None:
        lines.append(
            f"service level    {result.service_level:.2%} answered within "
            f"{demand.answer_within:g} s (target {demand.target:.0%})"
        )
    if result.asa is not None:
        lines.append(f"ASA              {result.asa:.1f} s")
    if result.abandon_rate is not None:
        lines.append(f"abandoned        {result.abandon_rate:.2%}")
    lines.append(f"occupancy        {result.occupancy:.1%}")
    lines.append(f"load             {result.load:.2f} erlangs ({result.model})")
    return "\n".join(lines)


@app.command("plan")
def plan_cmd(
    channel: Annotated[
        str | None, typer.Option(help="Only this channel (chat, email ...).")
    ] = None,
    team: Annotated[int | None, typer.Option(help="Only this team's tickets (team id).")] = None,
    week: Annotated[
        str | None, typer.Option(help="Monday of the week to plan (default: next Monday).")
    ] = None,
    target: Target = 0.8,
    answer_within: Within = 20,
    response_within: Annotated[
        float, typer.Option(help="Response target of backlog channels (email), seconds.")
    ] = 4 * 3600,
    shrinkage: Shrinkage = 0.3,
    max_occupancy: Occupancy = 0.85,
    concurrency: Concurrency = 1,
    patience: Patience = None,
    aht: Annotated[
        float | None, typer.Option(help="Handle time, seconds (default: measured, or setting).")
    ] = None,
    volume_factor: Annotated[float, typer.Option(help="What-if: 1.2 is volume +20%.")] = 1.0,
    aht_factor: Annotated[float, typer.Option(help="What-if: 0.75 is AHT -25%.")] = 1.0,
    interval: Annotated[int, typer.Option(help="900, 1800 or 3600 seconds.")] = 1800,
    history_weeks: Annotated[int, typer.Option(help="Weeks of history to learn from.")] = 8,
    as_json: AsJson = False,
) -> None:
    """A week's plan from the desk's own history: forecast volume and agents per interval."""
    from minidesk import db
    from minidesk.cli.setup import load
    from minidesk.wfm.history import Scope
    from minidesk.wfm.inputs import Assumptions, read_inputs
    from minidesk.wfm.plan import build_plan

    settings = load()
    assumptions = Assumptions(
        target=target,
        answer_within=answer_within,
        response_within=response_within,
        shrinkage=shrinkage,
        max_occupancy=max_occupancy,
        concurrency=concurrency,
        patience=patience,
        interval=interval,
        volume_factor=volume_factor,
        aht_factor=aht_factor,
        aht=aht,
        history_weeks=history_weeks,
    )
    try:
        week_start = dt.date.fromisoformat(week) if week else None
        with db.get_db().sessions() as session:
            inputs = read_inputs(
                session,
                Scope(channel, team),
                assumptions,
                settings.staffing_aht_seconds,
                week_start,
            )
        plan = build_plan(inputs, assumptions).to_json()
    except (ErlangError, ValueError) as exc:
        typer.echo(f"minidesk staff plan: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(plan) if as_json else _summary(plan))


def _summary(plan: dict[str, object]) -> str:
    """Per day: forecast contacts, peak agents, agent hours (the JSON has every interval)."""
    series = plan["series"]
    assert isinstance(series, dict)
    starts = plan["intervals"]
    assert isinstance(starts, list)
    hours = int(plan["interval_seconds"]) / 3600  # type: ignore[call-overload]
    days: dict[str, list[int]] = {}
    volume: dict[str, float] = {}
    for start, v, a in zip(starts, series["volume"], series["agents"], strict=True):
        day = start[:10]
        days.setdefault(day, []).append(a)
        volume[day] = volume.get(day, 0.0) + v
    aht = plan["aht"]
    assert isinstance(aht, dict)
    lines = [
        f"week of {plan['week_start']} ({plan['timezone']}), {plan['mode']}, "
        f"AHT {aht['seconds']} s ({aht['source']})",
        f"{'day':<12}{'contacts':>10}{'peak agents':>13}{'agent hours':>13}",
    ]
    for day, agents in days.items():
        lines.append(f"{day:<12}{volume[day]:>10.0f}{max(agents):>13}{sum(agents) * hours:>13.1f}")
    accuracy = plan["accuracy"]
    if isinstance(accuracy, dict) and accuracy["mape"] is not None:
        lines.append(
            f"accuracy on the week from {accuracy['held_out_from']}: MAPE "
            f"{accuracy['mape']:.1%} (days), WAPE {accuracy['wape']:.1%} (intervals)"
        )
    return "\n".join(lines)
