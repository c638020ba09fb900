"""Label Studio JSON: export gold (and predictions) for curators, import their corrections.

One task per document. Each value is a ``labels`` region (label = field) with, under the same
region id, a ``textarea`` result holding its normalised values as JSON. Each link target is a
region labelled with its role, joined to the value by a ``relation`` labelled with the role;
a link's ontology id and name ride in the target's textarea. The labelling config that goes
with it is ``LABEL_CONFIG``. Round trip (gold → Label Studio → gold) loses nothing.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from textmine.evaluation.gold import LINK_ROLES, VALUE_KEYS, GoldDoc, GoldError, GoldSpan, parse_doc
from textmine.mentions import FIELDS, Mention

LABEL_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="sample_size"/><Label value="dose"/><Label value="score"/><Label value="follow_up"/>
    <Label value="measure"/><Label value="timepoint"/><Label value="arm"/><Label value="population"/><Label value="intervention"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Relations><Relation value="measure"/><Relation value="timepoint"/><Relation value="arm"/><Relation value="population"/><Relation value="intervention"/></Relations>
  <TextArea name="values" toName="text" perRegion="true" editable="true"/>
</View>"""


def _regions(spans: list[dict[str, Any]], text: str) -> list[dict]:
    """Label Studio results for value spans (dicts with start, end, label, values, links)."""
    results: list[dict] = []
    targets: dict[tuple[int, int, str], str] = {}
    for n, span in enumerate(spans):
        rid = f"v{n}"
        results.append({"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                        "value": {"start": span["start"], "end": span["end"], "text": text[span["start"]:span["end"]],
                                  "labels": [span["label"]]}})
        payload = {k: span["values"].get(k) for k in VALUE_KEYS if span["values"].get(k) is not None}
        if span.get("rule"):
            payload["rule"] = span["rule"]
        results.append({"id": rid, "from_name": "values", "to_name": "text", "type": "textarea",
                        "value": {"start": span["start"], "end": span["end"], "text": [json.dumps(payload, ensure_ascii=False)]}})
        for link in span["links"]:
            key = (link["start"], link["end"], link["role"])
            if key not in targets:
                tid = targets[key] = f"l{len(targets)}"
                results.append({"id": tid, "from_name": "label", "to_name": "text", "type": "labels",
                                "value": {"start": link["start"], "end": link["end"], "text": link["text"],
                                          "labels": [link["role"]]}})
                meta = {k: link.get(k) for k in ("id", "name") if link.get(k) is not None}
                if meta:
                    results.append({"id": tid, "from_name": "values", "to_name": "text", "type": "textarea",
                                    "value": {"start": link["start"], "end": link["end"], "text": [json.dumps(meta)]}})
            results.append({"type": "relation", "from_id": rid, "to_id": targets[key], "direction": "right",
                            "labels": [link["role"]]})
    return results


def to_label_studio(docs: Iterable[GoldDoc], texts: dict[str, str],
                    predictions: dict[str, list[Mention]] | None = None) -> list[dict]:
    """Tasks for Label Studio: gold as annotations, textmine's mentions (if given) as predictions."""
    tasks = []
    for doc in docs:
        text = texts[doc.doc]
        gold = [{"start": s.start, "end": s.end, "label": s.label, "values": s.values, "links": list(s.links)} for s in doc.spans]
        task = {"data": {"text": text, "doc": doc.doc, "source": doc.source, "split": doc.split},
                "annotations": [{"result": _regions(gold, text)}]}
        if predictions is not None:
            pred = [{"start": m.start, "end": m.end, "label": m.field, "rule": m.rule,
                     "values": {k: getattr(m, k) for k in VALUE_KEYS}, "links": [link.to_dict() for link in m.links]}
                    for m in predictions.get(doc.doc, [])]
            task["predictions"] = [{"model_version": "textmine", "result": _regions(pred, text)}]
        tasks.append(task)
    return tasks


def from_label_studio(tasks: list[dict], use: str = "annotations") -> list[GoldDoc]:
    """Gold documents from Label Studio tasks (the last annotation of each task, or its predictions)."""
    docs = []
    for t, task in enumerate(tasks):
        data = task.get("data", {})
        where = f"task {t} ({data.get('doc')})"
        entries = task.get(use) or []
        if not entries:
            raise GoldError(f"{where}: no {use}")
        results = entries[-1].get("result", [])
        regions: dict[str, dict] = {}
        meta: dict[str, dict] = {}
        relations = []
        for r in results:
            if r.get("type") == "labels":
                regions[r["id"]] = r["value"]
            elif r.get("type") == "textarea":
                texts = r["value"].get("text") or ["{}"]
                try:
                    meta[r["id"]] = json.loads(texts[0]) if texts[0].strip() else {}
                except json.JSONDecodeError as exc:
                    raise GoldError(f"{where}: region {r['id']}: values are not JSON: {exc}") from None
            elif r.get("type") == "relation":
                relations.append(r)
        spans = []
        for rid, region in regions.items():
            label = region["labels"][0]
            if label not in FIELDS:
                continue
            values = {k: v for k, v in meta.get(rid, {}).items() if k in VALUE_KEYS}
            links = []
            for rel in relations:
                if rel["from_id"] != rid or rel["to_id"] not in regions:
                    continue
                target = regions[rel["to_id"]]
                role = (rel.get("labels") or target["labels"])[0]
                if role not in LINK_ROLES:
                    raise GoldError(f"{where}: relation role {role!r} is not one of {LINK_ROLES}")
                extra = meta.get(rel["to_id"], {})
                links.append({"role": role, "text": target["text"], "start": target["start"], "end": target["end"],
                              "id": extra.get("id"), "name": extra.get("name")})
            spans.append({"start": region["start"], "end": region["end"], "text": region["text"], "label": label,
                          **values, "links": sorted(links, key=lambda x: (x["start"], x["role"]))})
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        docs.append(parse_doc({"doc": data["doc"], "source": data["source"], "split": data.get("split", "tune"),
                               "spans": spans}, where))
    return docs


def canonical(doc: GoldDoc) -> GoldDoc:
    """A document with spans and links in a fixed order (for comparing round trips)."""
    spans = sorted((GoldSpan(s.start, s.end, s.text, s.label, dict(s.values),
                             tuple(sorted((dict(link) for link in s.links), key=lambda x: (x["start"], x["role"]))))
                    for s in doc.spans), key=lambda s: (s.start, s.end, s.label))
    return GoldDoc(doc.doc, doc.source, doc.split, tuple(spans))
