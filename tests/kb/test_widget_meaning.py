"""The widgets' suggestions meet articles close in meaning once the visitor has typed a
question (three whole words), as the help centre's search does; a keyword being typed is
searched by words only; ``MINIDESK_KB_MEANING=false`` searches by words everywhere; and the
sentence encoder is loaded when the web process starts, not by the first visitor."""

from __future__ import annotations

from unittest import mock

import pytest
from fastapi.testclient import TestClient

from minidesk import settings
from minidesk.db import Database
from minidesk.kb import embeddings
from minidesk.kb.reading import typed_question
from minidesk.kb.seed import seed_demo_articles

PARCEL = "track-your-parcel"


def _suggested(client: TestClient, q: str) -> list[str]:
    response = client.get("/api/v1/kb/suggest", params={"q": q})
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


@pytest.fixture
def articles(database: Database) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)


@pytest.mark.usefixtures("articles")
def test_a_typed_question_is_suggested_its_article_by_meaning(client: TestClient) -> None:
    # No word of these is in "How do I track my parcel?": only meaning finds it.
    assert _suggested(client, "my package never showed up")[:1] == [PARCEL]
    assert _suggested(client, "mi paquete nunca llegó")[:1] == [PARCEL]
    # Two words, the second still being typed: a keyword on its way, found by words only.
    assert PARCEL not in _suggested(client, "mi paque")
    # Nothing close in meaning: nothing made up.
    assert _suggested(client, "zeppelin rides over the alps") == []


@pytest.mark.usefixtures("articles")
def test_a_desk_searching_by_words_only_suggests_no_paraphrase(
    client: TestClient, config: settings.Settings
) -> None:
    settings.configure(config.model_copy(update={"kb_meaning": False}))
    assert _suggested(client, "mi paquete nunca llegó") == []
    found = client.get("/api/v1/kb/search", params={"q": "mi paquete nunca llegó"}).json()
    assert found["items"] == []


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("ref", False),
        ("refund st", False),
        ("where is my", False),  # "my" may be "myself": two whole words so far
        ("where is my ", True),
        ("where is my parcel", True),
        ("parcel late?", False),
        ("is it late?", True),
    ],
)
def test_a_question_is_three_whole_words(typed: str, question: bool) -> None:
    assert typed_question(typed) is question


@pytest.mark.parametrize("enabled", [True, False])
def test_the_encoder_loads_when_the_web_process_starts(
    config: settings.Settings, enabled: bool
) -> None:
    from minidesk.web.app import create_app

    current = settings.configure(config.model_copy(update={"kb_meaning": enabled}))
    with mock.patch.object(embeddings, "warm_up", autospec=True) as warm_up:
        app = create_app(current, embedded_workers=0)
        warm_up.assert_not_called()  # building the app loads nothing
        with TestClient(app):
            assert warm_up.call_count == (1 if enabled else 0)
