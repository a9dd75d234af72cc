"""Articles are matched by meaning as well as words: each article's sentence embedding is
stored with its version and recomputed when a save makes a new one; a paraphrase or another
language finds the article words miss; and the bot still answers only when sure."""

from __future__ import annotations

from unittest import mock

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from tests.conftest import Cast
from tests.kb.conftest import KB, write

from minidesk.db import Database
from minidesk.kb import calibration
from minidesk.kb.answers import best_answer, confident_answer
from minidesk.kb.embeddings import ENCODER, article_text, do_embed_all, embed
from minidesk.kb.models import KbArticle, KbArticleEmbedding
from minidesk.kb.seed import seed_demo_articles


def _stored(database: Database, article_id: int) -> tuple[int, np.ndarray] | None:
    with database.sessions() as session:
        row = session.get(KbArticleEmbedding, article_id)
        if row is None:
            return None
        return row.version, np.frombuffer(row.vector, dtype=np.float32)


def test_an_articles_embedding_follows_its_versions(
    client: TestClient, cast: Cast, database: Database
) -> None:
    article = write(client, cast, title="Opening hours", body="We answer from 9 to 5.")
    first = _stored(database, article["id"])
    assert first is not None and first[0] == 1
    with database.sessions() as session:
        row = session.get_one(KbArticle, article["id"])
        expected = embed([article_text(row)])[0]
        assert session.get_one(KbArticleEmbedding, row.id).encoder == ENCODER
    assert np.allclose(first[1], expected, atol=1e-5)
    client.patch(f"{KB}/articles/{article['id']}", json={"body": "Closed on Sundays."},
                 headers=cast.olivia.headers)  # fmt: skip
    second = _stored(database, article["id"])
    assert second is not None and second[0] == 2
    assert float(second[1] @ first[1]) < 0.999  # recomputed from the new text
    client.patch(f"{KB}/articles/{article['id']}", json={"url_rules": ["/contact"]},
                 headers=cast.olivia.headers)  # fmt: skip
    third = _stored(database, article["id"])
    assert third is not None and third[0] == 2  # no new version, nothing to recompute
    client.delete(f"{KB}/articles/{article['id']}", headers=cast.olivia.headers)
    assert _stored(database, article["id"]) is None


def test_meaning_finds_what_words_miss(database: Database) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    with database.sessions() as session:
        for question, slug in (
            ("my package never showed up", "track-your-parcel"),
            ("¿cuánto tarda el envío?", "shipping-times"),  # Spanish, English articles
        ):
            words = best_answer(session, question, semantic=False)
            meaning = best_answer(session, question)
            assert words is None or words.article.slug != slug
            assert meaning is not None and meaning.article.slug == slug


def test_a_missing_embedding_is_computed_for_the_reader(database: Database) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    with database.transaction() as session:
        # As an article whose embedding job has not run yet, or saved before they existed.
        session.execute(delete(KbArticleEmbedding))
    with database.sessions() as session:
        answer = best_answer(session, "how long does shipping take")
    assert answer is not None and answer.article.slug == "shipping-times"
    with database.sessions() as session:  # readers never write
        assert session.scalars(select(KbArticleEmbedding)).first() is None


def test_the_bot_stays_quiet_on_every_question_no_article_answers(database: Database) -> None:
    with database.transaction() as session:
        seed_demo_articles(session)
    unanswerable = [q for q, slug in calibration.DEVELOPMENT + calibration.HELD_OUT if not slug]
    with database.sessions() as session:
        assert [q for q in unanswerable if confident_answer(session, q) is not None] == []


def test_a_save_does_not_wait_for_the_encoder(
    client: TestClient, cast: Cast, database: Database
) -> None:
    # The embedding is a job after commit: an encoder that fails (or takes seconds to load)
    # is not the writer's problem, and the bot answers meanwhile.
    with mock.patch("minidesk.kb.embeddings.embed", side_effect=RuntimeError("encoder down")):
        article = write(client, cast, title="Opening hours", body="We answer from 9 to 5.")
    assert _stored(database, article["id"]) is None
    with database.sessions() as session:
        answer = best_answer(session, "what are your opening hours")
        assert answer is not None and answer.article.id == article["id"]
    with database.transaction() as session:  # the job's rerun (or a backfill) catches up
        assert do_embed_all(session) == 1
    assert _stored(database, article["id"]) is not None
