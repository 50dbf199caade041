"""One project's evaluation: every number in report.json, and a page a person reads.

The page (report.html) is self-contained: styles inline, plots as inline SVG, no scripts,
every text from a script or a model escaped. It reads on a laptop and on a phone.
Compliance findings are flags for a person to judge in context, never edits.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path

from microdrama.evaluate.compliance import Finding, Tier, check_text, check_title, load_rules, review_tier
from microdrama.evaluate.episode import EpisodeMetrics, episode_metrics
from microdrama.evaluate.series import SeriesMetrics, series_metrics
from microdrama.localize.series import load_series
from microdrama.project.atomic import write_text_atomic
from microdrama.render.probe import probe
from microdrama.timeline.model import Timeline

REPORT_VERSION = 1


@dataclass
class ProjectReport:
    title: str
    language: str
    episodes: list[EpisodeMetrics]
    series: SeriesMetrics
    findings: list[Finding]
    tier: Tier
    checks: dict[str, str]  # publication checks on the built files: licence line, AI labels

    def as_dict(self) -> dict[str, object]:
        return {"report_version": REPORT_VERSION, **asdict(self)}


def evaluate_project(root: Path, budget_yuan: float | None = None) -> ProjectReport:
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
    )


def publication_checks(out_dir: Path, numbers: list[int]) -> dict[str, str]:
    """What the built episodes carry, read from the files themselves: the licence line
    (备案号) in episode 1's opening and the AI-generated notice on every AI-made episode."""
    built = [(n, out_dir / f"ep{n:03d}.timeline.json", out_dir / f"ep{n:03d}.mp4") for n in numbers]
    built = [(n, timeline, video) for n, timeline, video in built if timeline.is_file() and video.is_file()]
    if not built:
        return {"published files": "not built yet: run `microdrama build` to check the licence line and AI labels"}
    checks: dict[str, str] = {}
    first = Timeline.model_validate_json(built[0][1].read_text(encoding="utf-8"))
    if built[0][0] == 1:
        tags = probe(built[0][2]).metadata
        ok = bool(first.licence.strip()) and bool(tags.get("copyright", "").strip())
        checks["licence line (备案号) in episode 1"] = "present" if ok else "MISSING: set render.licence"
    unlabelled = []
    for number, timeline_path, video in built:
        ai_made = Timeline.model_validate_json(timeline_path.read_text(encoding="utf-8")).ai_generated
        if ai_made and "AI-generated" not in probe(video).metadata.get("comment", ""):
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

STYLE = """
body{font-family:system-ui,"Noto Sans SC",sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{padding:.3rem;border-bottom:1px solid #eee;text-align:left}
.scroll{overflow-x:auto}.num{text-align:right}.flag{background:#fff3cd}.ok{color:#2a7}.bad{color:#c33}
svg{max-width:100%;height:auto}.note{color:#666;font-size:.85rem}
"""


def render_html(report: ProjectReport) -> str:
    series = report.series
    parts = [
        f"<!doctype html><html lang='{escape(report.language)}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{escape(report.title)} — evaluation</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        _summary(report),
        "<h2>Tension across the series</h2>",
        _line_chart(series.tension_arc, series.paywall_episode),
        "<p class='note'>Per episode: conflicts and reversals per minute plus ten times the cliffhanger's"
        " strength. The dashed line marks the paywall episode.</p>",
        "<h2>Episodes</h2>",
        _episode_table(report.episodes),
        "<h2>Who carries the story</h2>",
        _bars([(c.name, c.share) for c in series.characters[:12]]),
        f"<p class='note'>Line-share concentration (Herfindahl): {series.line_concentration:.2f}"
        " — 1.0 would be a single voice.</p>",
        "<h2>Compliance flags</h2>",
        _findings(report.findings),
        "</body></html>",
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
    columns = ("#", "title", "runtime s", "hook s", "conflicts/min", "reversals/min", "cliffhanger", "dialogue",
               "lines", "ends on")  # fmt: skip
    head = "<tr>" + "".join(f"<th>{column}</th>" for column in columns) + "</tr>"
    rows = []
    for m in episodes:
        hook = "—" if m.hook_latency_seconds is None else f"{m.hook_latency_seconds:g}"
        paywall = " 🔒" if m.is_paywall else ""
        rows.append(
            f"<tr><td>{m.number}{paywall}</td><td>{escape(m.title)}</td><td class='num'>{m.runtime_seconds:g}</td>"
            f"<td class='num' title='{escape(m.hook.text if m.hook else '')}'>{hook}</td>"
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


def _line_chart(values: list[float], marker: int | None, width: int = 600, height: int = 160) -> str:
    if not values:
        return "<p>—</p>"
    top = max(max(values), 1e-9)
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - v / top * (height - 10):.1f}" for i, v in enumerate(values))
    mark = ""
    if marker is not None:
        x = (marker - 1) * step
        mark = f"<line x1='{x:.1f}' y1='0' x2='{x:.1f}' y2='{height}' stroke='#c33' stroke-dasharray='4'/>"
    return (
        f"<svg viewBox='-5 -5 {width + 10} {height + 10}' role='img' aria-label='tension per episode'>"
        f"<polyline fill='none' stroke='#36c' stroke-width='2' points='{points}'/>{mark}</svg>"
    )


def _bars(items: list[tuple[str, float]], width: int = 600) -> str:
    if not items:
        return "<p>—</p>"
    rows = []
    for index, (label, share) in enumerate(items):
        y = index * 22
        rows.append(
            f"<text x='0' y='{y + 15}' font-size='13'>{escape(label)}</text>"
            f"<rect x='140' y='{y + 3}' width='{share * (width - 200):.1f}' height='16' fill='#36c'/>"
            f"<text x='{145 + share * (width - 200):.1f}' y='{y + 15}' font-size='12'>{share:.0%}</text>"
        )
    return f"<svg viewBox='0 0 {width} {len(items) * 22}' role='img' aria-label='line share'>{''.join(rows)}</svg>"
