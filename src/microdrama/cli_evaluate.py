"""Commands that judge what was made: evaluate, review and catalog (registered on cli.py's group)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from microdrama.errors import UsageError
from microdrama.terminal import console, errors

if TYPE_CHECKING:
    from microdrama.evaluate.rerank import MethodScores
    from microdrama.evaluate.review import Review

Decorator = Callable[[Callable[..., None]], Callable[..., None]]
LABELS = {"fingerprint": "Fingerprinting catalog works"}
CATALOG = click.argument("catalog", type=click.Path(path_type=Path))


def register(cli: click.Group, project_argument: Decorator) -> None:
    @cli.command()
    @project_argument
    @click.option(
        "--budget",
        type=click.FloatRange(min=0),
        help="The declared production budget in yuan, for the review-tier estimate (分类分层审核).",
    )
    @click.option(
        "--against",
        type=click.Path(path_type=Path),
        help="A catalog folder (projects, .txt/.md scripts): list the nearest works and how novel this one is.",
    )
    def evaluate(project: Path, budget: float | None, against: Path | None) -> None:
        """Judge the series: episode and series metrics, compliance flags, publication checks.

        Writes build/out/report.html (for people) and build/out/report.json (every number).
        Compliance findings are flags with their context for a person to judge; nothing is changed.
        With --against, the catalog's index is kept in CATALOG/.microdrama/index and reused.
        """
        from microdrama import api
        from microdrama.cli import stage_bars
        from microdrama.evaluate.similarity import MIN_GROUP

        with stage_bars(labels=LABELS) as progress:
            report, (json_path, html_path) = api.evaluate(project, budget, against=against, progress=progress)
        series = report.series
        console.print(
            f"{escape(report.title)}: {series.episodes} episode(s), {series.runtime_seconds / 60:.1f} min;"
            f" mean hook {series.mean_hook_latency if series.mean_hook_latency is not None else '—'} s,"
            f" mean cliffhanger {series.mean_cliffhanger_strength:.2f};"
            f" {len(report.findings)} compliance flag(s) to review"
        )
        for check, status in report.checks.items():
            console.print(f"  {escape(check)}: {escape(status)}")
        if report.reviews:
            console.print(f"  expert reviews: {len(report.reviews)} (shown beside the metrics, not merged)")
        if report.novelty is not None:
            novelty = report.novelty
            _warn_skipped(novelty.skipped)
            console.print(
                f"  against {novelty.works} catalog works: novelty {novelty.novelty:.2f}; {escape(novelty.verdict)}"
            )
            if novelty.wording_only:
                console.print(
                    f"  (fewer than {MIN_GROUP} works in this language: novelty from wording alone,"
                    " meaning not compared)"
                )
            for n in novelty.neighbours[:3]:
                meaning = "" if novelty.wording_only else f" meaning {n.centred:.2f},"
                console.print(
                    f"    {escape(n.work_id)}: {n.relation} (wording {n.minhash_jaccard:.2f},"
                    f"{meaning} names shared {n.name_overlap:.0%})"
                )
        console.print(f"report: {escape(str(html_path))} (numbers in {escape(json_path.name)})")

    @cli.command()
    @project_argument
    @click.option("--reviewer", help="Who is scoring; one review per reviewer, recorded again replaces it.")
    @click.option("--score", "scores", multiple=True, metavar="NAME=1..10", help="e.g. innovation=7 or 创新性=7.")
    @click.option("--comment", "comments", multiple=True, metavar="NAME=TEXT", help="A comment on one criterion.")
    @click.option("--note", default="", help="Overall remarks.")
    def review(
        project: Path, reviewer: str | None, scores: tuple[str, ...], comments: tuple[str, ...], note: str
    ) -> None:
        """Record an expert's rubric scores, or list the reviews recorded.

        Criteria (1-10 each): thought 思想性, artistry 艺术性, appeal 观赏性, innovation 创新性,
        compliance 合规性. Scores not given on the command line are asked for in a terminal.
        Reviews live in reviews/<reviewer>.yaml and are shown beside the automatic metrics in
        the evaluation report, never merged into them.
        """
        from microdrama import api
        from microdrama.evaluate.review import (
            CRITERIA,
            Score,
            check_scores_complete,
            parse_pairs,
            parse_score,
            reviewer_file,
        )

        if reviewer is None:
            if scores or comments or note:
                raise UsageError("say who is reviewing with --reviewer NAME")
            _print_reviews(api.reviews(project))
            return
        api.reviews(project)  # a project that cannot be opened fails before anyone types scores
        reviewer_file(project, reviewer)  # and so does a name that cannot be a file name
        given = {name: parse_score(value, name) for name, value in parse_pairs(scores, "--score").items()}
        said = parse_pairs(comments, "--comment")
        if sys.stdin.isatty():
            for name, (chinese, asks) in CRITERIA.items():
                if name not in given:
                    given[name] = click.prompt(f"{chinese} {name} ({asks}), 1-10", type=click.IntRange(1, 10))
                    said.setdefault(name, click.prompt("  comment", default="", show_default=False))
        rubric = {name: Score(score=value, comment=said.get(name, "")) for name, value in given.items()}
        check_scores_complete(rubric)
        recorded, path, replaced = api.record_review(project, reviewer, rubric, note)
        console.print(
            f"{'Replaced' if replaced else 'Recorded'} the review by {escape(recorded.reviewer)} "
            f"(mean {recorded.mean():.1f}): {escape(str(path))}"
        )

    @cli.command()
    @CATALOG
    @click.option("--report", "want_report", is_flag=True, help="Homogeneity of the catalog: clusters, tropes.")
    @click.option(
        "--recommend",
        "interactions",
        type=click.Path(path_type=Path),
        help="An interaction CSV (user,item[,weight]): re-ranked recommendations and their metrics.",
    )
    @click.option(
        "--diversity",
        type=click.FloatRange(0, 1),
        default=0.3,
        show_default=True,
        help="λ of the re-ranker: 0 ranks by relevance alone, 1 by diversity alone.",
    )
    @click.option(
        "--method",
        type=click.Choice(["mmr", "calibrated"]),
        default="mmr",
        show_default=True,
        help="MMR (diverse lists) or calibration (lists that match each user's trope mix).",
    )
    @click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True, help="Items per user.")
    def catalog(
        catalog: Path, want_report: bool, interactions: Path | None, diversity: float, method: str, top: int
    ) -> None:
        """Index a catalog folder and report its homogeneity (同质化) or re-rank recommendations.

        The catalog is a folder of microdrama projects and .txt/.md/.epub/.docx scripts; other
        entries are skipped with a warning. The index and the outputs go to CATALOG/.microdrama/.
        """
        from microdrama import api
        from microdrama.cli import stage_bars

        if not want_report and interactions is None:
            raise UsageError("say what to do: --report, --recommend interactions.csv, or both")
        with stage_bars(labels=LABELS) as progress:
            loaded = api.open_catalog(catalog, progress=progress)
        _warn_skipped([str(s) for s in loaded.skipped])
        console.print(
            f"{len(loaded.index)} works indexed ({loaded.embedded} fingerprinted now, the rest reused)"
            + ("" if loaded.saved else "; the index could not be saved in the catalog folder")
        )
        if want_report:
            report, (json_path, html_path) = api.catalog_report(catalog, loaded)
            console.print(
                f"related works: {report.related_share:.0%} in {len(report.clusters)} cluster(s);"
                f" mean wording overlap {report.mean_minhash_jaccard:.3f};"
                f" trope concentration {report.trope_concentration:.3f}"
            )
            for number, cluster in enumerate(report.clusters[:5], start=1):
                console.print(f"  cluster {number}: {escape(', '.join(cluster.works))}")
            console.print(f"report: {escape(str(html_path))} (numbers in {escape(json_path.name)})")
        if interactions is not None:
            result, (csv_path, _) = api.recommend(catalog, loaded, interactions, diversity, top, method)
            if result.skipped:
                errors.print(f"[yellow]warning:[/] {escape(result.skipped)}")
            _print_scores(result.scores)
            console.print(f"{len(result.lists)} users' lists: {escape(str(csv_path))}")


def _warn_skipped(skipped: list[str]) -> None:
    if skipped:
        listed = "\n  ".join(escape(s) for s in skipped[:20])
        more = f"\n  … and {len(skipped) - 20} more" if len(skipped) > 20 else ""
        entries = "entry" if len(skipped) == 1 else "entries"
        errors.print(f"[yellow]warning:[/] skipped {len(skipped)} catalog {entries}:\n  {listed}{more}")


def _print_reviews(reviews: list[Review]) -> None:
    from microdrama.evaluate.review import CRITERIA

    if not reviews:
        console.print("No review recorded yet: microdrama review PROJECT --reviewer NAME --score innovation=7 …")
        return
    table = Table(title="Expert reviews (1-10)")
    table.add_column("reviewer")
    table.add_column("date")
    for name, (chinese, _) in CRITERIA.items():
        table.add_column(f"{chinese}\n{name}", justify="right")
    for r in reviews:
        table.add_row(escape(r.reviewer), r.date, *(str(r.scores[name].score) for name in CRITERIA))
    console.print(table)


def _print_scores(scores: list[MethodScores]) -> None:
    table = Table(title="Recommendation lists compared (higher diversity/coverage/novelty, lower Gini = more varied)")
    for column in ("method", "intra-list diversity", "coverage", "novelty", "exposure Gini", "miscalibration"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for s in scores:
        table.add_row(
            s.method,
            f"{s.diversity:.3f}",
            f"{s.coverage:.3f}",
            f"{s.novelty:.2f}",
            f"{s.exposure_gini:.3f}",
            f"{s.miscalibration:.3f}",
        )
    console.print(table)
