"""An article's sentence embedding is computed by a job after the save commits: loading the
encoder's weights takes seconds and embedding a text milliseconds, neither of which a writer's
request should wait for (``kb.embeddings`` says how readers do without it meanwhile)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from minidesk.event_kinds import EventKind
from minidesk.events import Event, listen
from minidesk.kb.embeddings import do_embed
from minidesk.kb.models import KbArticle


# ``automated``: an article saved by automation (the demo's seed) is embedded too. The row is
# its only effect, so a rerun after a rollback leaves no trace (``transactional``).
@listen(
    EventKind.KB_ARTICLE_CREATED, EventKind.KB_ARTICLE_UPDATED, automated=True, transactional=True
)
def embed_saved_article(session: Session, event: Event) -> None:
    article = session.get(KbArticle, int(event.data["article_id"]))
    if article is not None:  # deleted since: nothing to embed
        do_embed(session, article)
