"""Claim embeddings: one vector per claim, computed once and shared.

Sets ``Article.claim_vectors`` (float32, one L2-normalised 384-d row per claim, in claim order)
with the shared encoder (``Resources.embed``: all-MiniLM-L6-v2 as an optimised ONNX graph, see
``admiralty.encoder``). The cross-source stages read them (claim matching, stories, narratives),
and the check-worthiness head reads the layer means of the same pass, so no claim is ever
embedded twice; they embed other texts
(story leads, narratives) with the same ``Resources.embed``. The runner hands the stage a whole
batch's claims first (``embed_claims_ahead``), so the encoder sees large length-sorted batches
and each distinct text once; each article then takes its rows. The same pass keeps the encoder's per-layer
means for the check-worthiness head (``Resources.embed_features``) and, when asked, every claim's token
states for the techniques head (``Resources.embed_tokens``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline import replace, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..model import Article
    from ..resources import Resources

VERSION = "embed.minilm/2"


def lead_text(article: Article, res: Resources) -> str | None:
    """The text the stories stage compares articles by: the title and the first
    ``[stories] lead_chars`` characters; None when stories use the claims instead."""
    if str(res.config["stories.vector"]) != "lead":
        return None
    n = int(res.config["stories.lead_chars"])
    return f"{article.title or ''}\n{article.text[:n]}".strip() or article.text[:n]


def embed_claims_ahead(articles: list[Article], res: Resources) -> None:
    """The batch step: every claim of the batch, and each article's lead, through the encoder in
    one pass. The pass also keeps each claim's per-layer mean hidden states
    (``Resources.embed_features``), which the check-worthiness head reads without encoding
    anything again, and with ``[models] token_states`` each claim's token states
    (``Resources.embed_tokens``, for the techniques stage; not the leads', which no stage reads)."""
    claims = [c.text for article in articles for c in article.claims]
    leads = (lead_text(article, res) for article in articles)
    res.embed_ahead([*claims, *(t for t in leads if t)], tokens=claims if res.config["models.token_states"] else ())


@stage("embed", VERSION, requires=("claims",), assigns=("claim_vectors", "lead_vector"), ahead=embed_claims_ahead)
def embed_claims(article: Article, doc: Doc | None, res: Resources) -> Article:
    """one vector per claim (and one for the article's lead) with the shared MiniLM encoder,
    computed once for every later stage"""
    lead = lead_text(article, res)
    texts = [c.text for c in article.claims]
    vectors = res.embed([*texts, lead] if lead else texts)
    return replace(
        article, claim_vectors=vectors[: len(texts)], lead_vector=vectors[len(texts)] if lead else None
    )
