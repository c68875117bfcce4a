"""Who a source phrase stands for: its kind, the evidence words, and its canonical name.

Kinds (DESIGN.md): ``named_person`` and ``named_organization`` when the head of the phrase is a
named entity (or a pronoun or a definite description that resolves to one), ``outlet`` for a
publication (lexicon of outlet names and outlet nouns), ``anonymous`` for "sources",
"informants", "people familiar with", ``unnamed_official`` for a title with no name ("a senior
official"), ``document`` for "a report", "the statement".

Resolution: a pronoun takes the nearest earlier source or named person of a fitting kind; a
definite or possessive description ("the adviser", "Zelensky's top aide") takes the person whose
title in the article ("Podoliak, a key adviser to President Vladimir Zelensky", "British Prime
Minister Keir Starmer") shares the description's title group, the tie broken by the other words
of the description. A definite description of an organisation ("the union") takes the nearest
earlier organisation whose name holds its head noun ("the Coastal Dockworkers Union"); a group
tied to a named organisation ("economists at Norhaven University") speaks for that organisation;
a bare surname ("Varga", whatever label the NER gave it) is the one person of the article whose
full name ends in it. Canonical names are the entity stage's, so one person has one name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..model import Entity, SourceKind

PERSON_LABELS = frozenset({"PERSON"})
ORG_LABELS = frozenset({"ORG", "NORP", "GPE", "FAC"})
DEFINITE = frozenset({"the", "this", "that", "these", "those"})
# Prepositions tying a group of people to the organisation they speak for.
AFFILIATION_PREPS = frozenset({"at", "from", "with", "of", "in"})
INDEFINITE = frozenset({"a", "an", "one", "some", "several", "two", "three", "many", "other"})


@dataclass(frozen=True)
class SpeakerLexicon:
    anonymous: frozenset[str]
    officials: dict[str, int]  # title lemma (one or two words) -> synonym group
    documents: frozenset[str]
    organisations: frozenset[str]  # institution nouns: "the union", "the ministry"
    outlet_nouns: frozenset[str]
    outlet_names: frozenset[str]  # lower case, without a leading "the"
    pronouns: dict[str, str]  # pronoun -> s | p | x


@dataclass(frozen=True)
class Speaker:
    kind: SourceKind
    name: str
    evidence: tuple[str, ...]
    scoped: bool  # the name only means something inside this article (anonymous, unnamed)


@dataclass
class Person:
    """A named person of the article with the title words the article gives them."""

    canonical: str
    start: int
    titles: set[int]
    words: set[str]


class Resolver:
    """Source kinds and names for one article (built once per article, used in text order)."""

    def __init__(self, doc: Doc, text: str, entities: Sequence[Entity], lex: SpeakerLexicon) -> None:
        self.doc = doc
        self.text = text
        self.lex = lex
        self.entities = sorted(entities, key=lambda e: e.start)
        self._by_char: dict[int, Entity] = {}
        for ent in self.entities:
            for i in range(ent.start, ent.end):
                self._by_char[i] = ent
        # A name the NER calls a person anywhere in the article is a person everywhere in it.
        self.person_names = {e.canonical for e in self.entities if e.label in PERSON_LABELS}
        # Surname -> full name, for surnames that belong to exactly one multi-word person name.
        owners: dict[str, set[str]] = {}
        for name in self.person_names:
            words = name.split()
            if len(words) >= 2:
                owners.setdefault(words[-1], set()).add(name)
        self.surnames = {w: min(names) for w, names in owners.items() if len(names) == 1}
        self.people = self._people()
        self.history: list[tuple[int, Speaker]] = []  # (char position, resolved source)

    # -- public -------------------------------------------------------------------------------

    def resolve(self, head_i: int, span: tuple[int, int]) -> Speaker:
        """The speaker behind a source phrase whose head token is ``head_i``."""
        speaker = self._resolve(self.doc[head_i], span)
        self.history.append((span[0], speaker))
        return speaker

    def kind_only(self, head_i: int, span: tuple[int, int]) -> Speaker:
        """Like ``resolve`` but leaves the history alone (for intermediaries)."""
        return self._resolve(self.doc[head_i], span)

    # -- internals ----------------------------------------------------------------------------

    def _resolve(self, head: Token, span: tuple[int, int]) -> Speaker:
        if head.lower_ in RELATIVE_PRONOUNS and head.dep_ in ("nsubj", "nsubjpass") and head.head.dep_ == "relcl":
            # "the same people who promised": the antecedent speaks; its words (without the
            # clause) end the evidence, and name the source where no entity does.
            head = head.head.head
            phrase = head.doc[head.left_edge.i : head.i + 1].text
            speaker = self._resolve_phrase(head, span, phrase)
            if speaker.evidence[-1:] == (phrase,):  # "Smith, who said": the name is the phrase
                return speaker
            return replace(speaker, evidence=(*speaker.evidence, phrase))
        return self._resolve_phrase(head, span, self.text[span[0]:span[1]])

    def _resolve_phrase(self, head: Token, span: tuple[int, int], text: str) -> Speaker:
        lower = head.lower_
        if head.pos_ == "PRON" or lower in self.lex.pronouns:
            return self._pronoun(head)
        outlet = self._outlet(head, span)
        if outlet is not None:
            return outlet
        ent = self._entity(head)
        # "every honest Norhavener", "some Republicans": members of a group, no one in particular
        quantified = _quantified(head)
        if ent is not None and not (quantified and ent.label not in PERSON_LABELS):
            if ent.label in PERSON_LABELS or ent.canonical in self.person_names:
                return Speaker("named_person", ent.canonical, (ent.text,), False)
            person = self._surname(ent.text)
            if person is not None:
                return Speaker("named_person", person, (ent.text, person), False)
            if ent.label in ORG_LABELS:
                return Speaker("named_organization", ent.canonical, (ent.text,), False)
        elif ent is None:
            person = self._surname(head.text)  # "Cornyn", which the tagger may call a common noun
            if person is not None:
                return Speaker("named_person", person, (head.text, person), False)
        named = self._apposed(head)
        if named is not None:
            return named
        lemma = head.lemma_.lower()
        two = f"{self._prev_word(head)} {lemma}"
        group = self.lex.officials.get(two, self.lex.officials.get(lemma))
        if lemma in self.lex.anonymous or (lemma == "familiar" or _has_familiar(head)):
            return Speaker("anonymous", _scoped_name(text), (head.text,), True)
        if group is not None:
            described = self._description(head, group)
            if described is not None:
                return Speaker("named_person", described.canonical, (head.text, described.canonical), False)
            return Speaker("unnamed_official", _scoped_name(text), (head.text,), True)
        if lemma in self.lex.documents:
            return Speaker("document", _scoped_name(text), (head.text,), True)
        org = self._affiliation(head)
        if org is not None:
            return Speaker("named_organization", org.canonical, (head.text, org.text), False)
        org = self._org_description(head)
        if org is not None:
            return Speaker("named_organization", org.canonical, (head.text, org.canonical), False)
        institution = self._institution(head)
        if institution is not None:
            return Speaker("unnamed_official", institution, (head.text, institution), True)
        if quantified:
            return Speaker("anonymous", _scoped_name(text), (head.text,), True)
        if head.pos_ == "PROPN":
            person = self._surname(head.text)
            if person is not None:
                return Speaker("named_person", person, (head.text, person), False)
            name = _proper_name(head)
            if sum(1 for t in head.subtree if t.pos_ == "PROPN") >= 2 and all(
                w[:1].isupper() for w in name.split()
            ) and len(name.split()) in (2, 3) and not ent:
                return Speaker("named_person", name, (name,), False)
            return Speaker("named_organization", name, (name,), False)
        return Speaker("anonymous", _scoped_name(text), (head.text,), True)

    def _apposed(self, head: Token) -> Speaker | None:
        """The name set beside a description: "the Islamic activist group, Hizb-ut-Tahrir", "a
        spokesman, Ilona Varga" (one speaker: not for plural heads)."""
        if head.tag_ in ("NNS", "NNPS"):
            return None
        for child in head.children:
            if child.dep_ != "appos":
                continue
            ent = self._entity(child)
            if ent is None:
                if child.pos_ != "PROPN":
                    continue
                name = _strip_the(child.doc[child.left_edge.i : child.right_edge.i + 1].text)
                titled = head.lemma_.lower() in self.lex.officials
                return Speaker("named_person" if titled else "named_organization", name, (head.text, name), False)
            if ent.label in PERSON_LABELS or ent.canonical in self.person_names:
                return Speaker("named_person", ent.canonical, (head.text, ent.text), False)
            if ent.label in ORG_LABELS:
                return Speaker("named_organization", ent.canonical, (head.text, ent.text), False)
        return None

    def _surname(self, word: str) -> str | None:
        """The one named person of the article whose name ends in ``word`` ("Varga" after
        "Ilona Varga"), whatever label the NER gave the bare surname."""
        if " " in word.strip() or not word[:1].isupper():
            return None
        return self.surnames.get(word.strip())

    def _affiliation(self, head: Token) -> Entity | None:
        """The named organisation a group of people speaks for: "economists at Norhaven
        University", "researchers from the Kiel Institute" (not for officials or anonymous nouns,
        decided before)."""
        if head.pos_ != "NOUN":
            return None
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in AFFILIATION_PREPS):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                ent = self._entity(pobj)
                if ent is not None and ent.label in ORG_LABELS and ent.canonical not in self.person_names \
                        and self._surname(ent.text) is None:
                    return ent
        return None

    def _org_description(self, head: Token) -> Entity | None:
        """The named organisation a definite description refers back to: "the union" after "the
        Coastal Dockworkers Union", "the Ministry" after "the Ministry of Transport" — the nearest
        earlier organisation whose name holds the description's head noun."""
        if head.tag_ in ("NNS", "NNPS"):
            return None
        det = next((c for c in head.children if c.dep_ == "det"), None)
        if det is None or det.lower_ not in DEFINITE:
            return None
        word = head.lower_
        best = None
        for ent in self.entities:
            if ent.end > head.idx:
                break
            if ent.label in ORG_LABELS and ent.start < head.idx and ent.canonical not in self.person_names \
                    and word in (w.lower() for w in ent.text.split()):
                best = ent
        return best

    def _institution(self, head: Token) -> str | None:
        """An institution named only by description: "the union" with no named union before it.
        It speaks in an official capacity without a name (``unnamed_official``, like "a ministry
        official"), never as an anonymous source. Its name is the fullest description of it the
        article gives up to here ("the dock workers' union"), else the description itself."""
        if head.tag_ in ("NNS", "NNPS") or head.lemma_.lower() not in self.lex.organisations:
            return None
        det = next((c for c in head.children if c.dep_ in ("det", "poss")), None)
        if det is None or (det.dep_ == "det" and det.lower_ not in DEFINITE):
            return None
        best = ""
        for tok in self.doc[: head.i + 1]:
            if tok.lemma_.lower() == head.lemma_.lower() and tok.tag_ not in ("NNS", "NNPS"):
                words = [t for t in tok.lefts if t.dep_ in ("compound", "poss", "amod", "nmod", "det", "case")]
                start = min((t.left_edge.i for t in words), default=tok.i)
                name = self.doc[start : tok.i + 1].text
                if len(name.split()) > len(best.split()):
                    best = name
        return best or head.text

    def _prev_word(self, tok: Token) -> str:
        return self.doc[tok.i - 1].lower_ if tok.i > 0 else ""

    def _entity(self, tok: Token) -> Entity | None:
        return self._by_char.get(tok.idx)

    def _outlet(self, head: Token, span: tuple[int, int]) -> Speaker | None:
        lemma = head.lemma_.lower()
        name = _proper_name(head) if head.pos_ == "PROPN" else ""
        key = _strip_the(name).lower()
        if key and key in self.lex.outlet_names:
            return Speaker("outlet", _strip_the(name), (name,), False)
        if lemma in self.lex.outlet_nouns:
            ent = self._entity(head)
            if ent is not None and ent.label in ORG_LABELS:
                return None  # "the International Atomic Energy Agency": the noun is part of another name
            # "Polish radio station RMF": the proper name sits beside the noun.
            for t in head.subtree:
                if t.pos_ == "PROPN" and t.i != head.i and t.dep_ in ("appos", "compound", "npadvmod"):
                    proper = _proper_name(t)
                    if proper and not self._is_place(t):
                        return Speaker("outlet", _strip_the(proper), (head.text, proper), False)
            nxt = head.doc[head.i + 1] if head.i + 1 < len(head.doc) else None
            if nxt is not None and nxt.pos_ == "PROPN":
                return Speaker("outlet", _strip_the(_proper_name(nxt)), (head.text, nxt.text), False)
            text = self.text[span[0]:span[1]]
            return Speaker("outlet", _scoped_name(text), (head.text,), True)
        return None

    def _is_place(self, tok: Token) -> bool:
        ent = self._entity(tok)
        return ent is not None and ent.label in ("GPE", "NORP", "LOC")

    def _pronoun(self, tok: Token) -> Speaker:
        number = self.lex.pronouns.get(tok.lower_)
        if number is None:  # "some", "that", "you", "all": no one in particular
            return Speaker("anonymous", _scoped_name(tok.text), (tok.text,), True)
        for _, speaker in reversed(self.history[-6:]):
            if number == "s" and speaker.kind == "named_person":
                return Speaker(speaker.kind, speaker.name, (tok.text, speaker.name), speaker.scoped)
            if number == "p" and speaker.kind != "named_person":
                return Speaker(speaker.kind, speaker.name, (tok.text, speaker.name), speaker.scoped)
            if number == "x" and speaker.kind in ("named_organization", "outlet", "document"):
                return Speaker(speaker.kind, speaker.name, (tok.text, speaker.name), speaker.scoped)
        # No earlier source fits: the nearest named person (or organisation) before the pronoun.
        labels = PERSON_LABELS if number == "s" else ORG_LABELS
        best = None
        for ent in self.entities:
            if ent.start >= tok.idx:
                break
            if ent.label in labels:
                best = ent
        if best is not None:
            kind: SourceKind = "named_person" if number == "s" else "named_organization"
            return Speaker(kind, best.canonical, (tok.text, best.canonical), False)
        return Speaker("anonymous", _scoped_name(tok.text), (tok.text,), True)

    def _people(self) -> list[Person]:
        """Named people with the titles the article gives them (appositions, title words)."""
        people: dict[str, Person] = {}
        for ent in self.entities:
            if ent.label not in PERSON_LABELS and ent.canonical not in self.person_names:
                continue
            span = self.doc.char_span(ent.start, ent.end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            person = people.setdefault(ent.canonical, Person(ent.canonical, ent.start, set(), set()))
            words: list[Token] = []
            for child in root.children:
                if child.dep_ == "appos" or (child.i < span.start and child.dep_ in ("compound", "amod", "nmod")):
                    words.extend(child.subtree)
            if root.dep_ == "appos":
                words.extend(t for t in root.head.subtree if t.i < span.start or t.i >= span.end)
                words.append(root.head)
            j = span.start - 1
            while j >= 0 and self.doc[j].pos_ in ("PROPN", "NOUN", "ADJ") and span.start - j <= 4:
                words.append(self.doc[j])
                j -= 1
            for w in words:
                lemma = w.lemma_.lower()
                two = f"{self.doc[w.i - 1].lower_} {lemma}" if w.i > 0 else lemma
                for key in (two, lemma):
                    if key in self.lex.officials:
                        person.titles.add(self.lex.officials[key])
                person.words.add(w.lower_)
        return list(people.values())

    def _description(self, head: Token, group: int) -> Person | None:
        """The named person a definite or possessive description points to, if one fits."""
        kids = list(head.children)
        det = next((c for c in kids if c.dep_ == "det"), None)
        poss = next((c for c in kids if c.dep_ == "poss"), None)
        if head.tag_ in ("NNS", "NNPS"):
            return None
        if det is not None and det.lower_ in INDEFINITE:
            return None
        if det is None and poss is None and head.i > 0:
            return None
        words = {t.lower_ for t in head.subtree if t.i != head.i and not t.is_punct and not t.is_stop}
        fits = [p for p in self.people if group in p.titles]
        if not fits:
            return None
        scored = sorted(fits, key=lambda p: (-len(words & p.words), abs(p.start - head.idx), p.canonical))
        if len(scored) > 1 and len(words & scored[0].words) == len(words & scored[1].words):
            # Equal evidence: the most recent earlier mention wins; otherwise no guess.
            earlier = [p for p in fits if p.start < head.idx]
            if not earlier:
                return None
            return max(earlier, key=lambda p: (p.start, p.canonical))
        return scored[0]


RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})


# Determiners that make a noun phrase stand for any or some members of a group, never one named
# speaker ("every Norhavener", "many Democrats").
QUANTIFIERS = frozenset({"every", "each", "all", "any", "many", "most", "some", "few", "several", "no"})


def _quantified(tok: Token) -> bool:
    return any(c.dep_ in ("det", "amod", "predet") and c.lower_ in QUANTIFIERS for c in tok.children)


def _has_familiar(tok: Token) -> bool:
    return any(c.lower_ == "familiar" for c in tok.children)


def _proper_name(tok: Token) -> str:
    """The proper-noun run around ``tok`` ("Polish radio station RMF" -> "RMF")."""
    doc = tok.doc
    a = b = tok.i
    while a > 0 and doc[a - 1].pos_ == "PROPN" and doc[a - 1].head.i in range(a - 1, b + 2):
        a -= 1
    while b + 1 < len(doc) and doc[b + 1].pos_ == "PROPN" and doc[b + 1].head.i in range(a, b + 3):
        b += 1
    if a > 0 and doc[a - 1].lower_ == "the" and doc[a - 1].text[0].isupper():
        a -= 1
    return doc[a:b + 1].text


def _strip_the(name: str) -> str:
    return name[4:] if name.startswith(("The ", "the ")) and len(name) > 4 else name


def _scoped_name(text: str) -> str:
    """An unnamed source's name: its words, as the text gives them, lower-cased and tidied."""
    return " ".join(text.replace("\u2019", "'").split()).strip(" ,.;:").lower()
