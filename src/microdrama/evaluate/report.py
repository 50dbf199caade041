"""One project's evaluation: every number in report.json, and a page a person reads.

The page (report.html) is self-contained: styles inline, plots as inline SVG, no scripts,
every text from a script or a model escaped. It reads on a laptop and on a phone.
Compliance findings are flags for a person to judge in context, never edits.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from html import escape
from pathlib import Path

from microdrama.errors import MicrodramaError
from microdrama.evaluate import page, svg
from microdrama.evaluate.catalog import Progress, series_text
from microdrama.evaluate.catalog_page import thin_note
from microdrama.evaluate.compliance import Finding, Tier, check_text, check_title, load_rules, review_tier
from microdrama.evaluate.episode import EpisodeMetrics, episode_metrics
from microdrama.evaluate.novelty import Novelty, compare_with_catalog
from microdrama.evaluate.review import CRITERIA, Review, criterion_means, load_reviews
from microdrama.evaluate.series import SeriesMetrics, series_metrics
from microdrama.evaluate.tropes import trope_names
from microdrama.localize.series import load_series
from microdrama.project.atomic import write_text_atomic
from microdrama.render.probe import probe
from microdrama.timeline.files import read_timeline, timeline_path
from microdrama.timeline.model import Timeline

REPORT_VERSION = 2  # 2: reviews, novelty against a catalog, tension points per episode
NETWORK_SIZE = 12  # characters drawn in the network


@dataclass
class ProjectReport:
    title: str
    language: str
    episodes: list[EpisodeMetrics]
    series: SeriesMetrics
    findings: list[Finding]
    tier: Tier
    checks: dict[str, str]  # publication checks on the built files: licence line, AI labels
    reviews: list[Review] = field(default_factory=list)  # the expert track, kept apart from the metrics
    novelty: Novelty | None = None  # against a catalog, when one was given

    def as_dict(self) -> dict[str, object]:
        data = asdict(replace(self, reviews=[]))
        data["reviews"] = [review.model_dump(mode="json") for review in self.reviews]
        return {"report_version": REPORT_VERSION, **data}


def evaluate_project(
    root: Path, budget_yuan: float | None = None, against: Path | None = None, progress: Progress | None = None
) -> ProjectReport:
    """The project's metrics, flags and checks; with `against`, its nearest works in that catalog
    (the scripts are read once, and before the catalog, so a project problem is said first)."""
    project, bible, episodes = load_series(root)
    language = bible.series.language
    metrics = [episode_metrics(episode, language) for episode in episodes]
    rules = load_rules()
    findings = check_title(bible.series.title, rules, "series title")
    for episode in episodes:
        findings += check_title(episode.title, rules, f"episode {episode.number} title")
        for shot in episode.shots():
            for index, line in enumerate(shot.lines):
                findings += check_text(line.text, rules, f"episode {episode.number}, line {shot.id}.{index}")
    return ProjectReport(
        title=bible.series.title,
        language=language,
        episodes=metrics,
        series=series_metrics(bible, episodes, metrics),
        findings=findings,
        tier=review_tier(budget_yuan),
        checks=publication_checks(project.out_dir, [episode.number for episode in episodes]),
        reviews=load_reviews(root),
        novelty=compare_with_catalog(series_text(root, bible, episodes), against, progress=progress)
        if against is not None
        else None,
    )


def publication_checks(out_dir: Path, numbers: list[int]) -> dict[str, str]:
    """What the built episodes carry, read from the files themselves: the licence line
    (备案号) in episode 1's opening and the AI-generated notice on every AI-made episode."""
    paths = [(n, timeline_path(out_dir, n), out_dir / f"ep{n:03d}.mp4") for n in numbers]
    paths = [(n, timeline, video) for n, timeline, video in paths if timeline.is_file() and video.is_file()]
    if not paths:
        return {"published files": "not built yet: run `microdrama build` to check the licence line and AI labels"}
    built: list[tuple[int, Timeline, Path]] = []
    for number, path, video in paths:
        try:
            built.append((number, read_timeline(path), video))
        except MicrodramaError as error:
            return {"published files": f"cannot check: {error}"}
    checks: dict[str, str] = {}
    first_number, first, first_video = built[0]
    if first_number == 1:
        tags = probe(first_video).metadata
        ok = bool(first.licence.strip()) and bool(tags.get("copyright", "").strip())
        checks["licence line (备案号) in episode 1"] = "present" if ok else "MISSING: set render.licence"
    unlabelled = []
    for number, timeline, video in built:
        if timeline.ai_generated and "AI-generated" not in probe(video).metadata.get("comment", ""):
            unlabelled.append(number)
    checks["AI-generated notice on AI-made episodes"] = (
        f"MISSING in episodes {unlabelled}: rebuild them" if unlabelled else "present wherever AI made content"
    )
    return checks


def write_report(report: ProjectReport, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    write_text_atomic(json_path, json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(html_path, render_html(report))
    return json_path, html_path


# -- the page ---------------------------------------------------------------------------------


def render_html(report: ProjectReport) -> str:
    series = report.series
    parts = [
        page.head(report.language, f"{report.title} — evaluation"),
        f"<h1>{escape(report.title)}</h1>",
        _summary(report),
        _reviews(report.reviews),
        "<h2>Tension across the series</h2>",
        svg.line_chart(series.tension_arc, series.paywall_episode, label="tension per episode"),
        "<p class='note'>Per episode: conflicts and reversals per minute plus ten times the cliffhanger's"
        " strength. The dashed line marks the paywall episode.</p>",
        "<h2>Episodes</h2>",
        _episode_table(report.episodes),
        _evidence(report.episodes),
        "<h2>Who carries the story</h2>",
        svg.bars([(c.name, c.share) for c in series.characters[:NETWORK_SIZE]], label="line share"),
        f"<p class='note'>Line-share concentration (Herfindahl): {series.line_concentration:.2f}"
        " — 1.0 would be a single voice.</p>",
        _network(series),
        _novelty(report.novelty),
        "<h2>Compliance flags</h2>",
        _findings(report.findings),
        page.END,
    ]
    return "\n".join(parts)


def _summary(report: ProjectReport) -> str:
    s = report.series
    rows = [
        ("episodes", str(s.episodes)),
        ("total runtime", f"{s.runtime_seconds / 60:.1f} min"),
        (
            "paywall",
            f"episode {s.paywall_episode} (cliffhanger {s.paywall_cliffhanger_strength})"
            if s.paywall_episode
            else "none",
        ),
        ("mean hook latency", "no hook found" if s.mean_hook_latency is None else f"{s.mean_hook_latency} s"),
        ("mean cliffhanger strength", f"{s.mean_cliffhanger_strength:.2f}"),
        (
            "payoffs",
            f"{s.payoff.small_every_two:.0%} of 2-episode windows; longest gap between bigger ones "
            f"{s.payoff.longest_gap_between_big}; biggest in episode {s.payoff.biggest_episode}"
            f"{' (before the finale)' if s.payoff.biggest_before_finale else ''}",
        ),
        ("lexical diversity (MATTR)", f"{s.lexical_diversity:.3f}"),
        ("tropes", ", ".join(f"{t} ×{n}" for t, n in sorted(s.tropes.items(), key=lambda i: -i[1])) or "none tagged"),
        ("repetition between episodes", f"max {max(s.repetition):.2f}" if s.repetition else "—"),
        ("review tier (from budget)", f"{report.tier.name}: {report.tier.explanation}"),
    ]
    rows += list(report.checks.items())
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<div class='scroll'><table>{body}</table></div>"


def _episode_table(episodes: list[EpisodeMetrics]) -> str:
    columns = ("#", "title", "runtime s", "hook s", "tension through the episode", "conflicts/min",
               "reversals/min", "cliffhanger", "dialogue", "lines", "ends on")  # fmt: skip
    head = "<tr>" + "".join(f"<th>{column}</th>" for column in columns) + "</tr>"
    rows = []
    for m in episodes:
        hook = "—" if m.hook_latency_seconds is None else f"{m.hook_latency_seconds:g}"
        paywall = " 🔒" if m.is_paywall else ""
        rows.append(
            f"<tr><td>{m.number}{paywall}</td><td>{escape(m.title)}</td><td class='num'>{m.runtime_seconds:g}</td>"
            f"<td class='num' title='{escape(m.hook.text if m.hook else '')}'>{hook}</td>"
            f"<td>{svg.sparkline(m.tension_points, m.spoken_seconds)}</td>"
            f"<td class='num'>{m.conflicts_per_minute:g}</td><td class='num'>{m.reversals_per_minute:g}</td>"
            f"<td class='num'>{m.cliffhanger_strength:.2f}</td><td class='num'>{m.dialogue_share:.0%}</td>"
            f"<td class='num'>{m.lines}</td><td>{escape(m.cliffhanger.text[:60])}</td></tr>"
        )
    return f"<div class='scroll'><table>{head}{''.join(rows)}</table></div>"


def _findings(findings: list[Finding]) -> str:
    if not findings:
        return "<p class='ok'>No listed term found.</p>"
    rows = "".join(
        f"<tr class='flag'><td>{escape(f.category)}</td><td>{escape(f.where)}</td><td>{escape(f.kind)}</td>"
        f"<td>{escape(f.marked)}</td></tr>"
        for f in findings
    )
    head = "<tr><th>category</th><th>where</th><th>match</th><th>context (for a person to judge)</th></tr>"
    return f"<div class='scroll'><table>{head}{rows}</table></div>"


def _evidence(episodes: list[EpisodeMetrics]) -> str:
    """Per episode, the lines behind the numbers, folded away until opened (no script needed)."""
    parts = ["<p class='note'>Open an episode to see the lines behind its numbers.</p>"]
    for m in episodes:
        hook = (
            f"{m.hook_latency_seconds:g} s in, shot {m.hook.where}: “{m.hook.text}”"
            if m.hook and m.hook_latency_seconds is not None
            else "no line with a conflict, threat, reveal, charged delivery or open question"
        )
        cues = ", ".join(f"{cue} ×{n}" for cue, n in m.cue_counts.items() if n) or "none"
        rows = [
            ("hook", hook),
            ("final beat", f"“{m.cliffhanger.text}” (strength {m.cliffhanger_strength:.2f})"),
            ("cues in the lines", cues),
            ("spoken / total", f"{m.spoken_seconds:g} s of {m.runtime_seconds:g} s; dialogue {m.dialogue_share:.0%}"),
            ("lines, speakers", f"{m.lines}, {m.speakers}"),
            ("scenes, locations", f"{m.scenes}, {m.locations}"),
            ("emotional swing", f"{m.emotional_swing:.2f} (mean change of valence from line to line)"),
        ]
        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        parts.append(
            f"<details><summary>Episode {m.number}: {escape(m.title)}</summary>"
            f"<div class='scroll'><table>{body}</table></div></details>"
        )
    return "".join(parts)


def _reviews(reviews: list[Review]) -> str:
    note = (
        "<p class='note'>Scores people gave (1-10), shown beside the automatic metrics and never merged"
        " into them. Record one with <code>microdrama review</code>.</p>"
    )
    if not reviews:
        return f"<h2>Expert review</h2><p>No review recorded yet.</p>{note}"
    head = "<tr><th>reviewer</th><th>date</th>" + "".join(
        f"<th title='{escape(question)}'>{escape(chinese)} {name}</th>"
        for name, (chinese, question) in CRITERIA.items()
    )
    rows = [
        f"<tr><td>{escape(r.reviewer)}</td><td>{escape(r.date)}</td>"
        + "".join(
            f"<td class='num' title='{escape(r.scores[name].comment)}'>{r.scores[name].score}</td>" for name in CRITERIA
        )
        + "</tr>"
        for r in reviews
    ]
    if len(reviews) > 1:
        means = criterion_means(reviews)
        rows.append("<tr><th>mean</th><td></td>" + "".join(f"<th class='num'>{means[n]:.1f}</th>" for n in CRITERIA))
    comments = "".join(
        f"<li><b>{escape(r.reviewer)}</b> · {escape(CRITERIA[name][0])}: {escape(score.comment)}</li>"
        for r in reviews
        for name, score in r.scores.items()
        if score.comment.strip()
    ) + "".join(f"<li><b>{escape(r.reviewer)}</b>: {escape(r.note)}</li>" for r in reviews if r.note.strip())
    listed = f"<ul>{comments}</ul>" if comments else ""
    return f"<h2>Expert review</h2><div class='scroll'><table>{head}</tr>{''.join(rows)}</table></div>{listed}{note}"


def _network(series: SeriesMetrics) -> str:
    shown = series.characters[:NETWORK_SIZE]
    position = {c.id: i for i, c in enumerate(shown)}
    edges = [(position[a], position[b], n) for a, b, n in series.scene_pairs if a in position and b in position]
    return (
        svg.network([(c.name, c.share) for c in shown], edges)
        + "<p class='note'>Circles sized by line share; lines join characters who share scenes, thicker"
        " for more scenes together.</p>"
    )


def _novelty(novelty: Novelty | None) -> str:
    if novelty is None:
        return (
            "<h2>Novelty against a catalog</h2><p>Not compared: run <code>microdrama evaluate PROJECT"
            " --against CATALOG</code> to find the nearest works.</p>"
        )
    summary = (
        f"<p>Compared with {novelty.works} works in <code>{escape(novelty.catalog)}</code>: novelty"
        f" {novelty.novelty:.2f} (1 = unlike any of them"
        f"{'; from wording alone' if novelty.wording_only else ''}). Verdict: {escape(novelty.verdict)}.</p>"
        f"<p>Tropes: {escape(', '.join(trope_names(novelty.tropes)) or 'none tagged')}; their combination is"
        f" {novelty.trope_rarity_bits:.1f} bits rare (at most {novelty.trope_rarity_max_bits:.1f} for a"
        " combination no catalog work shares).</p>"
    )
    summary += thin_note(novelty.thin_languages)
    plot = svg.paired_bars(
        [(n.title or n.work_id, n.minhash_jaccard, n.centred) for n in novelty.neighbours],
        ("same wording (MinHash)", "same meaning (centred cosine)"),
    )
    head = (
        "<tr><th>work</th><th>verdict</th><th>wording</th><th>meaning</th><th>rank</th><th>names shared</th>"
        "<th>tropes shared</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{escape(n.work_id)}</td><td>{escape(n.relation)}</td><td class='num'>{n.minhash_jaccard:.2f}</td>"
        f"<td class='num'>{n.centred:.2f}</td><td class='num'>{n.percentile:.0%}</td>"
        f"<td class='num'>{n.name_overlap:.0%}</td><td>{escape(', '.join(n.shared_tropes))}</td></tr>"
        for n in novelty.neighbours
    )
    passages = "".join(
        f"<h3>{escape(n.work_id)}</h3><div class='scroll'><table><tr><th>this series</th><th>{escape(n.work_id)}"
        f"</th><th>meaning</th></tr>"
        + "".join(
            f"<tr><td>{escape(m.work_text)}</td><td>{escape(m.catalog_text)}</td><td class='num'>{m.centred:.2f}</td>"
            "</tr>"
            for m in n.passages
        )
        + "</table></div>"
        for n in novelty.neighbours[:3]
    )
    skipped = (
        f"<p class='note'>Skipped catalog entries: {escape('; '.join(novelty.skipped))}</p>" if novelty.skipped else ""
    )
    return (
        f"<h2>Novelty against a catalog</h2>{summary}{plot}<div class='scroll'><table>{head}{rows}</table></div>"
        f"<h2>Passages that match</h2>{passages}{skipped}"
    )
