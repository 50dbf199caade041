"""Commands for taking a series abroad: glossary, localize, qc (registered on cli.py's group)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from microdrama.terminal import console

Decorator = Callable[[Callable[..., None]], Callable[..., None]]
QC_FAILED = 1  # qc found violations: the files are fine to read, the subtitles are not ready to ship


def register(cli: click.Group, project_argument: Decorator) -> None:
    from microdrama.cli import stage_bars

    @cli.command()
    @project_argument
    @click.option("--to", "languages", required=True, help="Target languages, comma-separated (e.g. en,es,ja).")
    def glossary(project: Path, languages: str) -> None:
        """Propose the names and terms table per language, for review before translating.

        Writes localize/glossary.<lang>.yaml: each character name, alias, place and form of
        address with its proposed target form. Edit the targets, add variants to avoid; running
        it again only adds new entries and keeps your edits.
        """
        from microdrama import api

        for code, path, added in api.glossary(project, languages):
            console.print(f"[green]{code}[/]: {escape(str(path))} ({added} new entr{'y' if added == 1 else 'ies'})")

    @cli.command()
    @project_argument
    @click.option("--to", "languages", required=True, help="Target languages, comma-separated (e.g. en,es,pt-BR).")
    @click.option("--no-adapt", is_flag=True, help="Faithful translation only, without the adaptation pass.")
    @click.option("--no-video", is_flag=True, help="Subtitle files only; do not render the MP4s.")
    @click.option("--no-dub", is_flag=True, help="Keep the original voices; subtitles only.")
    @click.option("--max-cost", type=click.FloatRange(min=0), help="Stop before AI calls would cost more than this.")
    @click.option("--export-xliff", is_flag=True, help="Write the lines as XLIFF (and the glossary as TBX); no model.")
    @click.option(
        "--import-xliff",
        "import_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Bring a translated XLIFF back, then check and render as usual.",
    )
    def localize(
        project: Path,
        languages: str,
        no_adapt: bool,
        no_video: bool,
        no_dub: bool,
        max_cost: float | None,
        export_xliff: bool,
        import_path: Path | None,
    ) -> None:
        """Translate a built series and make its subtitles, dub and MP4s per language.

        Glossary (reviewed file, or a fresh proposal) → faithful translation → adaptation for
        the market → shorter lines where reading speed demands → subtitles by the language's
        rules → dub fitted to each line's time → MP4 with them burned in → QC report. Lines that did not change are not
        translated again; lines you edited in localize/<lang>/ are kept.
        """
        from microdrama import api
        from microdrama.errors import UsageError

        if (export_xliff or import_path) and "," in languages:
            raise UsageError("--export-xliff and --import-xliff work on one language at a time, e.g. --to en")
        if export_xliff and import_path:
            raise UsageError("choose --export-xliff or --import-xliff, not both")
        if export_xliff:
            for path in api.export_kit(project, languages):
                console.print(f"[green]Wrote[/] {escape(str(path))}")
            console.print("Translate the XLIFF in a CAT tool, then: microdrama localize … --import-xliff FILE")
            return
        if import_path is not None:
            count = api.import_kit(project, languages, import_path)
            console.print(f"[green]Imported[/] {count} line(s) from {escape(str(import_path))}")
        with stage_bars() as progress:
            results = api.localize(
                project,
                languages,
                adapt=not no_adapt,
                video=not no_video,
                dub=not no_dub,
                max_cost=max_cost,
                progress=progress,
            )
        for result in results:
            code = result.language.code
            outcome = (
                "[green]no QC violations[/]"
                if not result.violations
                else (f"[yellow]{len(result.violations)} QC violation(s)[/]: see build/out/{code}/qc.md")
            )
            console.print(
                f"[bold]{code}[/]: {result.translated} line(s) translated, {result.kept} kept; {outcome}; "
                f"files in {escape(str(project / 'build' / 'out' / code))}"
            )
            if result.dub:
                fits = result.dub
                fitted = sum(1 for fit in fits if fit.fitted)
                console.print(
                    f"  dub: {fitted}/{len(fits)} lines fit their slot, {sum(f.rewritten for f in fits)} shortened, "
                    f"fastest stretch {max(f.stretch for f in fits):.2f}x"
                )
            for note in result.notes:
                console.print(f"  [yellow]{escape(note)}[/]")

    @cli.command()
    @project_argument
    @click.option("--lang", "language", required=True, help="The language to check, e.g. en.")
    def qc(project: Path, language: str) -> None:
        """Check one language's subtitles: line length, reading speed, durations, gaps, glossary, cue count.

        Exits with 1 when there are violations (each listed with its cue: episode:line#cue).
        """
        from microdrama import api

        violations = api.qc(project, language)
        if not violations:
            console.print(f"[green]{language}: no violations[/]")
            return
        table = Table(title=f"{language}: {len(violations)} violation(s)")
        for column in ("ep", "cue", "rule", "detail"):
            table.add_column(column)
        for violation in violations:
            table.add_row(str(violation.episode), violation.cue, violation.rule, escape(violation.detail))
        console.print(table)
        sys.exit(QC_FAILED)
