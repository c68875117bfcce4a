"""GraphML of the story graph, for Gephi, yEd, Cytoscape or networkx.

Nodes: ``article`` (with outlet and date), ``origin`` (one per copy group: the wire story and its
republications hang off it, so copies read as one origin), ``source`` (who is quoted, with its
reliability), ``claim`` (with its credibility) and ``story``. Edges: ``in_story`` (article ->
story), ``copy_of`` (article -> origin), ``carries`` (article -> claim), ``says`` (source -> claim)
and ``link`` (claim -> claim, with the relation and score). Written with ElementTree, which escapes
every value: article text cannot break the XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..model import Document

NS = "http://graphml.graphdrawing.org/xmlns"
# (id, for, name, type) of every data key.
KEYS = (
    ("d_kind", "node", "kind", "string"),
    ("d_label", "node", "label", "string"),
    ("d_outlet", "node", "outlet", "string"),
    ("d_published", "node", "published", "string"),
    ("d_reliability", "node", "reliability", "string"),
    ("d_credibility", "node", "credibility", "int"),
    ("d_checkworthiness", "node", "checkworthiness", "double"),
    ("d_status", "node", "status", "string"),
    ("e_kind", "edge", "kind", "string"),
    ("e_relation", "edge", "relation", "string"),
    ("e_score", "edge", "score", "double"),
)


def build(doc: Document) -> ET.Element:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}graphml")
    for key, for_, name, type_ in KEYS:
        ET.SubElement(root, f"{{{NS}}}key", {"id": key, "for": for_, "attr.name": name, "attr.type": type_})
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"id": "admiralty", "edgedefault": "directed"})
    nodes: set[str] = set()
    edges = 0

    def node(nid: str, **data: Any) -> None:
        if nid in nodes:
            return
        nodes.add(nid)
        el = ET.SubElement(graph, f"{{{NS}}}node", {"id": nid})
        for k, v in data.items():
            if v is not None:
                ET.SubElement(el, f"{{{NS}}}data", {"key": f"d_{k}"}).text = str(v)

    def edge(a: str, b: str, **data: Any) -> None:
        nonlocal edges
        edges += 1
        el = ET.SubElement(graph, f"{{{NS}}}edge", {"id": f"e{edges}", "source": a, "target": b})
        for k, v in data.items():
            if v is not None:
                ET.SubElement(el, f"{{{NS}}}data", {"key": f"e_{k}"}).text = str(v)

    grades = {g.claim: g for g in doc.grades}
    sources = {s.id: s for s in doc.sources}
    for a in doc.articles:
        node(f"article:{a.id}", kind="article", label=a.title or a.input, outlet=a.outlet, published=a.published)
    for s in doc.stories:
        node(f"story:{s.id}", kind="story", label=s.label, published=s.first_seen)
        for aid in s.articles:
            if f"article:{aid}" in nodes:
                edge(f"article:{aid}", f"story:{s.id}", kind="in_story")
    for g in doc.copies:
        oid = f"origin:{g.id}"
        node(oid, kind="origin", label=g.origin.outlet or g.origin.article, outlet=g.origin.outlet)
        members = [m.article for m in g.members]
        if g.origin.article:
            members.insert(0, g.origin.article)
        for aid in members:
            if f"article:{aid}" in nodes:
                edge(f"article:{aid}", oid, kind="copy_of")
    for a in doc.articles:
        atts = {x.id: x for x in a.attributions}
        for c in a.claims:
            grade = grades.get(c.id)
            cid = f"claim:{c.id}"
            node(cid, kind="claim", label=c.text, credibility=grade.credibility if grade else None,
                 checkworthiness=c.checkworthiness, status=grade.status if grade else None)
            edge(f"article:{a.id}", cid, kind="carries")
            att = atts.get(c.attribution or "")
            sid = (grade.source if grade else None) or (att.source.ref if att and att.source else None)
            if sid and c.attribution is not None:
                src = sources.get(sid)
                label = src.name if src else (att.source.text if att and att.source else sid)
                node(f"source:{sid}", kind="source", label=label,
                     reliability=src.reliability if src else None, status=src.status if src else None)
                edge(f"source:{sid}", cid, kind="says")
    for lk in doc.claim_links:
        a_id, b_id = (f"claim:{x}" for x in lk.claims)
        if a_id in nodes and b_id in nodes:
            edge(a_id, b_id, kind="link", relation=lk.relation, score=lk.score)
    return root


def write_graphml(doc: Document, path: Path) -> None:
    tree = ET.ElementTree(build(doc))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
