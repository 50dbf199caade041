"""The catalog's homogeneity report: catalog-report.json (every number) and catalog-report.html."""

from __future__ import annotations

import json
from dataclasses import asdict
from html import escape
from pathlib import Path

from microdrama.evaluate import page, svg
from microdrama.evaluate.homogeneity import CatalogReport, Cluster
from microdrama.evaluate.similarity import MIN_GROUP
from microdrama.evaluate.tropes import trope_names
from microdrama.project.atomic import write_text_atomic

CLUSTERS_SHOWN = 30


def write_catalog_report(report: CatalogReport, out_dir: Path) -> tuple[Path, Path]:
    json_path, html_path = out_dir / "catalog-report.json", out_dir / "catalog-report.html"
    write_text_atomic(json_path, json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(html_path, render_catalog_html(report))
    return json_path, html_path


def render_catalog_html(report: CatalogReport) -> str:
    summary = [
        ("works", f"{report.works} ({', '.join(f'{lang}: {n}' for lang, n in report.languages.items())})"),
        ("works with a near-copy, template, paraphrase or translation", f"{report.related_share:.0%}"),
        ("related pairs", ", ".join(f"{kind} ×{n}" for kind, n in report.relations.items()) or "none"),
        ("near-duplicate clusters", str(len(report.clusters))),
        ("mean wording overlap (MinHash, same-language pairs)", f"{report.mean_minhash_jaccard:.3f}"),
        ("mean raw cosine within a language", ", ".join(f"{k}: {v:.3f}" for k, v in report.mean_cosine.items())),
        ("trope concentration (Herfindahl)", f"{report.trope_concentration:.3f}"),
        ("works with no trope tagged", f"{report.untagged_share:.0%}"),
    ]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in summary)
    top = list(report.trope_shares.items())[:15]
    labels = trope_names([trope for trope, _ in top])
    pairs = "".join(f"<li>{escape(' + '.join(trope_names([a, b])))}: {n} works</li>" for a, b, n in report.common_pairs)
    skipped = (
        "<h2>Skipped entries</h2><ul>" + "".join(f"<li>{escape(s)}</li>" for s in report.skipped) + "</ul>"
        if report.skipped
        else ""
    )
    return "\n".join(
        [
            page.head("en", f"Catalog homogeneity — {report.folder}"),
            f"<h1>Catalog homogeneity: {escape(report.folder)}</h1>",
            f"<div class='scroll'><table>{rows}</table></div>",
            "<p class='note'>Raw cosines of any two scripts in one language sit in a narrow band (about 0.8-0.95);"
            " compare them between catalogs, not with 0. Related works are found on centred scores"
            " (see docs/evaluation.md).</p>",
            "<h2>Near-duplicate clusters</h2>",
            thin_note(report.thin_languages),
            _clusters(report.clusters),
            "<h2>Tropes: share of works tagged</h2>",
            svg.bars([(label, share) for label, (_, share) in zip(labels, top, strict=True)], label="trope shares"),
            f"<h3>Tropes most often combined</h3><ul>{pairs}</ul>" if pairs else "",
            skipped,
            page.END,
        ]
    )


def _clusters(clusters: list[Cluster]) -> str:
    if not clusters:
        return (
            "<p class='ok'>No two works are near-copies, template fills, paraphrases or translations of each other.</p>"
        )
    parts = []
    for number, cluster in enumerate(clusters[:CLUSTERS_SHOWN], start=1):
        links = "".join(
            f"<tr><td>{escape(p.first)}</td><td>{escape(p.relation)}</td><td>{escape(p.second)}</td>"
            f"<td class='num'>{p.minhash_jaccard:.2f}</td><td class='num'>{p.centred:.2f}</td>"
            f"<td class='num'>{p.name_overlap:.0%}</td></tr>"
            for p in cluster.pairs
        )
        parts.append(
            f"<h3>Cluster {number}: {len(cluster.works)} works</h3><p>{escape(', '.join(cluster.works))}</p>"
            "<div class='scroll'><table><tr><th>work</th><th>is a</th><th>of</th><th>wording</th><th>meaning</th>"
            f"<th>names shared</th></tr>{links}</table></div>"
        )
    if len(clusters) > CLUSTERS_SHOWN:
        parts.append(f"<p>… and {len(clusters) - CLUSTERS_SHOWN} more clusters in catalog-report.json.</p>")
    return "".join(parts)


def thin_note(languages: list[str]) -> str:
    """Why some languages get wording-only verdicts (see evaluate.similarity.relation)."""
    if not languages:
        return ""
    return (
        f"<p class='note'>Fewer than {MIN_GROUP} works in {escape(', '.join(languages))}: for those, only shared"
        " wording and shared names decide (a story retold in new words under new names is not detected)."
        " Add works in that language to the catalog for meaning-based matches.</p>"
    )
