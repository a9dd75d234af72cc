"""The KPI report's JSON is encoded from plain dicts rather than a model per row (a year per day
by intent is 4,380 rows): it must still be exactly what its published schema says."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.conftest import Cast
from tests.insights.test_metrics_by_hand import RANGE
from tests.insights.timeline import build

from minidesk.db import Database
from minidesk.insights.cells import METRICS
from minidesk.web.api.reports import KpiReportOut


@pytest.mark.parametrize(
    ("group_by", "by"),
    [("day", "intent"), ("week", "agent"), ("month", "all"), ("day", "team"), ("week", "channel")],
)
def test_the_answer_is_what_its_schema_would_encode(
    client: TestClient, cast: Cast, database: Database, group_by: str, by: str
) -> None:
    build(database, cast)
    response = client.get("/api/v1/reports/kpis", params={**RANGE, "group_by": group_by, "by": by},
                          headers=cast.maya.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["items"]
    # Validated and encoded again by the model, byte for byte: the same fields in the same
    # order, an integer where it says integer, a float or null where it says so.
    assert KpiReportOut.model_validate_json(response.content).model_dump_json().encode() == (
        response.content
    )


def test_the_schema_names_every_metric_in_order(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/api/v1/reports/kpis"]["get"]["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/KpiReportOut"}
    item = schema["components"]["schemas"]["KpiOut"]["properties"]
    assert list(item) == ["period", "key", "label", *METRICS]
