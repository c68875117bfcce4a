"""A learned cue tagger: which words outside the rules' reach still attribute something.

PolNeAR annotates a long tail of attribution cues beyond reporting verbs: stance and perception
("slammed", "pushed for", "sees"), decisions and evaluations ("declined to", "described ... as"),
nominal cues ("criticism of", "support for"). The rules cover the frequent constructions; this
tagger is a logistic regression over parse features of one token (its lemma, part of speech,
dependency label, the labels of its children, what kind of phrase its subject is, its neighbours),
trained on PolNeAR's 840 training texts (``training/train_attribution.py``). It only proposes cues
the rules did not find; the candidate's source and content come from the same parse rules
(subject, clausal complement, object, prepositional object).

The weights are a plain feature -> weight table (``models/attribution_tagger.npz``), scored with
a dictionary lookup per feature: no scikit-learn at run time.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Token

# Parts of speech the tagger is asked about (cue heads are verbs and nouns in PolNeAR).
CANDIDATE_POS = frozenset({"VERB", "NOUN"})
PERSON_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "who"})
KID_DEPS = frozenset({
    "ccomp", "xcomp", "nsubj", "nsubjpass", "dobj", "dative", "agent", "prep", "mark", "neg", "aux",
    "auxpass", "poss", "acl", "relcl", "advcl", "attr", "acomp", "oprd", "prt", "parataxis",
})


@dataclass(frozen=True)
class Context:
    """Per-article facts the features need: entity labels by character, quoted characters,
    the lexicons' words."""

    ent_label: dict[int, str]
    quoted: Sequence[tuple[int, int]]
    speech: frozenset[str]
    stance: frozenset[str]
    nouns: frozenset[str]

    def in_quote(self, at: int) -> bool:
        """``quoted`` is in text order and its ranges do not overlap."""
        k = bisect.bisect_right(self.quoted, (at, math.inf)) - 1
        return k >= 0 and self.quoted[k][0] <= at < self.quoted[k][1]


def features(tok: Token, ctx: Context) -> list[str]:
    """The feature strings of one candidate token."""
    lemma = tok.lemma_.lower()
    doc = tok.doc
    out = [
        "bias", f"lem={lemma}", f"pos={tok.pos_}", f"tag={tok.tag_}", f"dep={tok.dep_}",
        f"lem_dep={lemma}|{tok.dep_}", f"pos_dep={tok.pos_}|{tok.dep_}",
        f"head={tok.head.lemma_.lower()}", f"head_dep={tok.head.dep_}", f"head_pos={tok.head.pos_}",
    ]
    if lemma in ctx.speech:
        out.append("lex=speech")
    if lemma in ctx.stance:
        out.append("lex=stance")
    if lemma in ctx.nouns:
        out.append("lex=noun")
    if ctx.in_quote(tok.idx):
        out.append("in_quote")
    prev = doc[tok.i - 1].lower_ if tok.i > 0 else "<s>"
    nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else "</s>"
    out += [f"prev={prev}", f"next={nxt}", f"lem_next={lemma}|{nxt}"]
    for kid in tok.children:
        dep = kid.dep_
        if dep not in KID_DEPS:
            continue
        out.append(f"kid={dep}")
        if dep in ("prep", "prt", "mark", "neg", "aux"):
            out.append(f"kid={dep}:{kid.lower_}")
            if dep in ("prep", "prt"):
                out.append(f"lem_kid={lemma}|{kid.lower_}")
        if dep == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in kid.children):
            out.append("that_clause")
        if dep in ("nsubj", "nsubjpass", "poss", "agent"):
            subj = kid
            if dep == "agent":
                subj = next((c for c in kid.children if c.dep_ == "pobj"), kid)
            out.append(f"{dep}_pos={subj.pos_}")
            if subj.lower_ in PERSON_PRONOUNS:
                out.append(f"{dep}=person_pronoun")
            label = ctx.ent_label.get(subj.idx)
            if label:
                out.append(f"{dep}_ent={label}")
            elif subj.pos_ == "NOUN":
                out.append(f"{dep}_lem={subj.lemma_.lower()}")
    return out


class Tagger:
    """Feature weights of a logistic regression, scored without scikit-learn."""

    def __init__(self, weights: dict[str, float], bias: float) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def load(cls, path: Path) -> Tagger:
        with np.load(path, allow_pickle=False) as data:
            names = json.loads(bytes(data["names"]).decode("utf-8"))
            coef = data["coef"].astype(float)
            bias = float(data["bias"][0])
        return cls(dict(zip(names, coef.tolist(), strict=True)), bias)

    def prob(self, feats: Sequence[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
