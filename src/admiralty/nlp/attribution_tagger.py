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
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .deps import Deps, deps
from .tokens import TokenView, token_view

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
    return features_at(tok.doc, tok.i, ctx)


def features_at(doc: Doc, i: int, ctx: Context) -> list[str]:
    """The feature strings of token ``i`` of ``doc``."""
    return table_features(token_view(doc), deps(doc), i, ctx)


def table_features(view: TokenView, dp: Deps, i: int, ctx: Context) -> list[str]:
    """The feature strings of token ``i``, read from the doc's per-token tables."""
    lowers, lemmas, poss, dep_of, children = view.lower, view.lemma, view.pos, view.dep, dp.children
    lemma, pos, dep, h = lemmas[i], poss[i], dep_of[i], dp.head[i]
    out = [
        "bias", f"lem={lemma}", f"pos={pos}", f"tag={view.tag[i]}", f"dep={dep}",
        f"lem_dep={lemma}|{dep}", f"pos_dep={pos}|{dep}",
        f"head={lemmas[h]}", f"head_dep={dep_of[h]}", f"head_pos={poss[h]}",
    ]
    if lemma in ctx.speech:
        out.append("lex=speech")
    if lemma in ctx.stance:
        out.append("lex=stance")
    if lemma in ctx.nouns:
        out.append("lex=noun")
    if ctx.in_quote(dp.idx[i]):
        out.append("in_quote")
    prev = lowers[i - 1] if i > 0 else "<s>"
    nxt = lowers[i + 1] if i + 1 < len(lowers) else "</s>"
    out += [f"prev={prev}", f"next={nxt}", f"lem_next={lemma}|{nxt}"]
    for kid in children[i]:
        kdep = dep_of[kid]
        if kdep not in KID_DEPS:
            continue
        out.append(f"kid={kdep}")
        if kdep in ("prep", "prt", "mark", "neg", "aux"):
            out.append(f"kid={kdep}:{lowers[kid]}")
            if kdep in ("prep", "prt"):
                out.append(f"lem_kid={lemma}|{lowers[kid]}")
        if kdep == "ccomp" and any(dep_of[m] == "mark" and lowers[m] == "that" for m in children[kid]):
            out.append("that_clause")
        if kdep in ("nsubj", "nsubjpass", "poss", "agent"):
            subj = kid
            if kdep == "agent":
                subj = next((c for c in children[kid] if dep_of[c] == "pobj"), kid)
            out.append(f"{kdep}_pos={poss[subj]}")
            if lowers[subj] in PERSON_PRONOUNS:
                out.append(f"{kdep}=person_pronoun")
            label = ctx.ent_label.get(dp.idx[subj])
            if label:
                out.append(f"{kdep}_ent={label}")
            elif poss[subj] == "NOUN":
                out.append(f"{kdep}_lem={lemmas[subj]}")
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
        z = self.bias + sum(map(self.weights.get, feats, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
