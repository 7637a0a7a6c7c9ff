"""`shaoyang-report`: build, verify and draft the Shaoyang progress reports.

Kept light on imports: `--help` and input errors answer at once; the heavy libraries load
only when a notebook runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .io.errors import InputError
from .io.paths import DEFAULT_PERIOD, Layout, Period, is_period

DESCRIPTION = """\
Build the audited progress report of the Shaoyang City Rural Revitalization Bureau
(邵阳市乡村振兴局) for one period, from data/raw/<period>/ to outputs/<period>/.

  add-period  a new month: make data/raw/<period>/ from the report's text, carrying last month's
              transcription over, and print the review sheet
  seal        record every file's sha256 in a period's source.yml after a review edit
  rename-campaign  give a campaign add-period proposed its final id, in every row that names it
  run         raw -> 01_clean -> 02_campaign_progress -> 03_narrative -> report.html + audit.html
  status      one line per period: what built it, whether its inputs are sealed, whether a run would
              republish it and why, whether a publish is pending
  verify      rebuild a period as it was built (its code commit, inputs and environment) and compare
              with the published outputs; --today: what today's code would change
  draft       draft a figure transcription from a report's text, for review (add-period uses it)
  notebook    run one notebook by hand, with a run's parameters, in build/ (published files untouched)
"""

EPILOG = """\
a new month (see README.md, "Rerunning for another month"):
  shaoyang-report add-period ~/Downloads/report.txt     make data/raw/2021-11/ and print the review sheet
  (edit data/raw/2021-11/figures.csv where the sheet says)
  shaoyang-report rename-campaign --period 2021-11 water_supply rural_water   a proposed campaign's final id
  shaoyang-report seal --period 2021-11                 record the edited files' checksums
  shaoyang-report run --period 2021-11                  build it (or: make report PERIOD=2021-11)

examples:
  shaoyang-report run --period 2021-10          build one period (skips stages that are up to date)
  shaoyang-report run --period 2021-10 --force  rebuild every stage
  shaoyang-report run --all                     build every period in data/raw/, in parallel
  shaoyang-report status                        what built each period, and what a run would change
  shaoyang-report verify --period 2021-10       check that the committed outputs can be rebuilt as built
  shaoyang-report verify --today --period 2021-10   what today's code would change, by file and fact
  shaoyang-report draft data/raw/2021-11/report.txt --period 2021-11 --out draft.csv
  shaoyang-report notebook 02_campaign_progress  run one notebook into build/notebooks/2021-10/

periods are YYYY-MM, the whole argument (nothing before or after), with a month 01-12 and a year 2000-2099.
exit codes: 0 success, 1 a notebook failed (kept in outputs/<period>/failed/) or verify found a
difference, 2 bad input or usage, or a fault of the system (a read-only folder, a full disk), named.
"""


def _period(text: str) -> Period:
    """A --period argument: the one place the command line parses a period (argparse applies it to the
    default too)."""
    try:
        return Period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class OneLineErrors(argparse.ArgumentParser):
    """A parser whose usage errors are one line, like every other error of the command: what is wrong
    with which argument, and where the help is (argparse prints its usage block first)."""

    def error(self, message: str):
        self.exit(2, f"error: {self.prog}: {message}. See `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrors(prog="shaoyang-report", description=DESCRIPTION, epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_layout(sub):
        sub.add_argument("--root", type=Path, default=None,
                         help="project folder holding data/ and outputs/ (default: this repository)")
        sub.add_argument("--outputs-dir", type=Path, default=None,
                         help="write outputs/<period>/ here instead of <root>/outputs (e.g. a temporary folder)")
        sub.add_argument("--processed-dir", type=Path, default=None,
                         help="write data/processed/<period>/ here instead of <root>/data/processed")

    run = commands.add_parser("run", help="build report.html and audit.html for one or more periods",
                              description="Run the three notebooks for a period and publish its HTML editions. "
                                          "Stages whose notebook, code, inputs and parameters are unchanged since "
                                          "their last successful run are skipped (the reason for each rerun is "
                                          "printed). Outputs are replaced only when every stage succeeds.",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("--period", type=_period, action="append", metavar="YYYY-MM",
                     help=f"report period, e.g. {DEFAULT_PERIOD}; repeat for several (run in parallel)")
    run.add_argument("--all", action="store_true", help="every period that has a folder in data/raw/")
    run.add_argument("--force", action="store_true", help="rerun every stage even if nothing changed")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                     help="periods to run at once with several periods (default: the number of cores)")
    run.add_argument("--quiet", action="store_true", help="print only errors")
    add_layout(run)

    verify = commands.add_parser(
        "verify", help="rebuild a period as it was built and compare, byte for byte",
        description="Rebuild a period as its manifest says it was built — from the code commit it records (a "
                    "temporary checkout, so later commits do not matter), from the inputs it records (each checked "
                    "by its sha256), in the environment it records (this one, when Python and every package the "
                    "stages import have the recorded versions; otherwise each difference is named) — and compare "
                    "every file with the published outputs, naming every published number that changed by its fact "
                    "id, on every page. Also checks that outputs/index.html is intact and lists the period. "
                    "With --today: rebuild with today's code, reference data and environment instead, to see what "
                    "they would change.",
        epilog="exit codes: 0 identical, 1 something differs (listed), 2 it cannot be rebuilt (named: a pending "
               "publish, another environment, a commit not in this repository, a changed input).")
    verify.add_argument("--period", type=_period, action="append", metavar="YYYY-MM",
                        help="period to verify; repeat for several")
    verify.add_argument("--all", action="store_true", help="every period published in outputs/")
    verify.add_argument("--today", action="store_true",
                        help="rebuild with today's code, reference data and environment: what would they change?")
    verify.add_argument("--root", type=Path, default=None, help="project folder (default: this repository)")

    state = commands.add_parser(
        "status", help="one line per period: what built it and whether a run would change it",
        description="For every period: the code commit and environment that built it, whether its inputs are "
                    "sealed, whether today's code, reference data or environment would change it (and why), and "
                    "whether a publish is pending; then whether outputs/index.html is up to date. Runs no "
                    "notebook; `run --all` republishes exactly the periods it marks.",
        epilog="exit code: 0 (2 for bad usage).")
    add_layout(state)

    add = commands.add_parser(
        "add-period", help="make data/raw/<period>/ from a new report's text, carrying last month over",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Create data/raw/<period>/ from a report text:\n"
                    "  report.txt       the text, byte for byte\n"
                    "  figures.csv      the figures, in their final format, with the previous period's\n"
                    "  non_figures.csv  transcription carried over: each number is matched to last month's\n"
                    "                   by the words around it, never by its value\n"
                    "  source.yml       title, publisher, dates read from the text; every file's sha256\n"
                    "  review.md        the review sheet (also printed): what is new, uncertain, not found\n"
                    "An existing folder is never changed.",
        epilog="Facts the text does not give (the page address, say) are recorded as `unknown`. A byte order\n"
               "mark at the start of the text (an editor's, not the page's) is removed, and source.yml says so.\n"
               "A month earlier than months already added is fine: it says which of them it changes.\n"
               "exit codes: 0 the folder was made, 2 bad input (nothing is written).")
    add.add_argument("report", type=Path, help="the report text as published, saved as UTF-8")
    add.add_argument("--period", type=_period, default=None, metavar="YYYY-MM",
                     help="the last month the report covers (default: read from the title, 1-11月 -> YYYY-11)")
    add.add_argument("--address", default=None, metavar="URL",
                     help="the page's web address, recorded in source.yml (default: unknown)")
    add.add_argument("--retrieved", default=None, metavar="YYYY-MM-DD",
                     help="the date the text was captured from the page (default: today)")
    add.add_argument("--accept-mismatch", action="store_true",
                     help="add a text whose publisher or place is not this bureau's (邵阳市乡村振兴局), or whose "
                          "title covers another period than --period, all the same: the mismatch is recorded in "
                          "source.yml and shown on the audit page (without it, such a text is refused)")
    add.add_argument("--root", type=Path, default=None, help="project folder holding data/ (default: this repository)")

    seal = commands.add_parser(
        "seal", help="record every file's sha256 in a period's source.yml after a review edit",
        description="Record the sha256 of every file of data/raw/<period>/ in its source.yml, editing only the "
                    "sha256 lines (comments and order are kept), print which files changed, and check that the "
                    "folder passes the cleaning stage's checks.",
        epilog="exit codes: 0 sealed and it builds, 1 sealed but it does not build yet, or its text is not this "
               "bureau's report for the period and source.yml does not record that this was accepted (the problems "
               "are listed), 2 bad input (nothing is written): a file of the folder or of data/reference/ that is a "
               "link to one elsewhere, a reference table that cannot be read.")
    seal.add_argument("--period", type=_period, required=True, metavar="YYYY-MM", help="the period folder to seal")
    seal.add_argument("--include-report", action="store_true",
                      help="also record a changed report.txt (only for a corrected capture of the published text)")
    seal.add_argument("--root", type=Path, default=None, help="project folder holding data/ (default: this repository)")

    rename = commands.add_parser(
        "rename-campaign", help="give a campaign add-period proposed its final id, in every row that names it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Rename a campaign add-period proposed for a new month (its campaigns.csv row has\n"
                    "since = the period) in every row that names it:\n"
                    "  figures.csv      of the period: campaign, and figure ids OLD.x become NEW.x\n"
                    "  campaigns.csv    the campaign's row\n"
                    "  glossary.csv     the rows of the campaign (its name) and its figures\n"
                    "A NEW that exists already files the figures under that campaign.",
        epilog="Then seal the folder again (shaoyang-report seal --period YYYY-MM).\n"
               "exit codes: 0 renamed, 2 bad input (nothing is written).")
    rename.add_argument("old", help="the proposed id, as the review sheet shows it")
    rename.add_argument("new", help="the id to give it (lower-case letters, digits and _)")
    rename.add_argument("--period", type=_period, required=True, metavar="YYYY-MM", help="the period that added it")
    rename.add_argument("--root", type=Path, default=None, help="project folder holding data/ (default: this repository)")

    draft = commands.add_parser("draft", help="draft a figure transcription from a report text",
                                description="Read a report text and write a CSV draft of every number: figures "
                                            "in the transcription format of data/raw/<period>/figures.csv, and "
                                            "numbers judged not to be figures, each with a reason.")
    draft.add_argument("report", type=Path, help="the report text (UTF-8)")
    draft.add_argument("--period", type=_period, default=None, metavar="YYYY-MM",
                       help="period, to resolve as-of dates such as 10月底 (default: guessed from the text)")
    draft.add_argument("--out", type=Path, default=None, help="write the CSV here (default: standard output)")
    draft.add_argument("--compare", type=Path, default=None,
                       help="an existing transcription to compare with (default: figures.csv beside the report)")

    notebook = commands.add_parser(
        "notebook", help="run one notebook by hand in build/, leaving the published files as they are",
        description="Run one stage's notebook with the parameters a pipeline run gives it, in "
                    "build/notebooks/<period>/ (ignored by git): its processed/ and out/figures/ start as copies "
                    "of the published tables and charts, so any stage can run alone, and everything the notebook "
                    "writes stays there. The executed notebook is build/notebooks/<period>/<stage>.ipynb.",
        epilog="The notebook runs on the Jupyter kernel it names (shaoyang-report, installed by make env).\n"
               "exit codes: 0 it ran, 1 a cell failed (the executed notebook shows where), 2 bad input or usage.")
    notebook.add_argument("stage", metavar="STAGE",
                          help="the stage to run: 01_clean, 02_campaign_progress, 03_narrative, 03_narrative.en")
    notebook.add_argument("--period", type=_period, default=DEFAULT_PERIOD, metavar="YYYY-MM",
                          help=f"report period (default: {DEFAULT_PERIOD})")
    notebook.add_argument("--root", type=Path, default=None,
                          help="project folder holding data/ and outputs/ (default: this repository)")
    return parser


def _layout(args) -> Layout:
    layout = Layout.default(args.root)
    if getattr(args, "outputs_dir", None):
        layout = Layout(layout.raw, layout.processed, args.outputs_dir, layout.reference, layout.notebooks)
    if getattr(args, "processed_dir", None):
        layout = Layout(layout.raw, args.processed_dir, layout.outputs, layout.reference, layout.notebooks)
    return layout


def _run_one(period: str, layout: Layout, force: bool, prefix: str, quiet: bool) -> int:
    import gc

    # A run (here, or in a pool's worker) imports a few hundred thousand objects (papermill,
    # nbformat, nbconvert) and then mostly waits for its kernel; at the collector's default pace it
    # scanned them again and again, a tenth of the runner's time. Collecting less often leaves the
    # peak memory as it was.
    gc.set_threshold(10_000, 50, 100)
    from .pipeline.contract import Console
    from .pipeline.runner import run_period

    return run_period(period, layout, force=force, console=Console(prefix=prefix, quiet=quiet),
                      progress=not quiet and not prefix)


def _fork_is_safe() -> bool:
    """Whether a pool's workers may be forked from this process: it runs one thread and has never
    loaded ZeroMQ (so it never ran a kernel), as `shaoyang-report run` from the command line."""
    import threading

    return threading.active_count() == 1 and "zmq" not in sys.modules


def command_run(args) -> int:
    layout = _layout(args)
    periods = list(args.period or [])
    if args.all:
        periods += sorted(Period(p.name) for p in layout.raw.iterdir() if p.is_dir() and is_period(p.name)) \
            if layout.raw.is_dir() else []
    periods = list(dict.fromkeys(periods))
    if not periods:
        print("error: say which period to build: --period YYYY-MM (e.g. --period 2021-10) or --all",
              file=sys.stderr)
        return 2
    if len(periods) == 1 or args.jobs <= 1:
        codes = [_run_one(p, layout, args.force, f"[{p}] " if len(periods) > 1 else "", args.quiet)
                 for p in periods]
    else:
        # A child forked from a process that has run kernels (a test's, say) inherits its ZeroMQ and
        # event-loop state and can spin forever starting its own kernel, and forking a process with
        # other threads can copy a lock some thread holds. The command line is neither: its workers
        # are forked from it, and start at once. Otherwise they are forked from a fresh server
        # process, which imports the runner only, so that each child starts its kernel first and
        # imports papermill and nbformat while the kernel boots, as a single run does.
        import multiprocessing  # only here: a single period (and a no-op) never needs a process pool
        from concurrent.futures import ProcessPoolExecutor

        if _fork_is_safe():
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["helpers.pipeline.runner"])
        with ProcessPoolExecutor(max_workers=min(args.jobs, len(periods)), mp_context=context) as pool:
            futures = [pool.submit(_run_one, p, layout, args.force, f"[{p}] ", args.quiet) for p in periods]
            codes = [f.result() for f in futures]
    return max(codes)


def command_verify(args) -> int:
    from .pipeline.index import published_periods
    from .pipeline.verify import verify_period

    layout = Layout.default(args.root)
    periods = list(dict.fromkeys((args.period or []) + (published_periods(layout) if args.all else [])))
    if not periods:
        print("error: say which period to verify: --period YYYY-MM (e.g. --period 2021-10) or --all",
              file=sys.stderr)
        return 2
    return max(verify_period(period, layout, today=args.today) for period in periods)


def command_status(args) -> int:
    from .pipeline.status import status

    return status(_layout(args))


def command_draft(args) -> int:
    from .intake.command import draft_command

    return draft_command(args.report, args.period, args.out, args.compare)


def command_add_period(args) -> int:
    from .intake.add_period import add_period

    add_period(args.report, Layout.default(args.root), period=args.period, address=args.address,
               retrieved=args.retrieved, accept_mismatch=args.accept_mismatch)
    return 0


def command_seal(args) -> int:
    from .intake.seal import seal_period

    return 0 if seal_period(args.period, Layout.default(args.root), include_report=args.include_report) else 1


def command_rename_campaign(args) -> int:
    from .intake.rename import rename_campaign

    rename_campaign(args.period, args.old, args.new, Layout.default(args.root))
    return 0


def command_notebook(args) -> int:
    from .pipeline.byhand import ByHandFailed, run_notebook

    try:
        run_notebook(args.stage, args.period, Layout.default(args.root))
    except ByHandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    handlers = {"run": command_run, "verify": command_verify, "status": command_status, "draft": command_draft,
                "add-period": command_add_period, "seal": command_seal, "notebook": command_notebook,
                "rename-campaign": command_rename_campaign}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("interrupted: the published outputs are unchanged", file=sys.stderr)
        return 130
    except InputError as exc:  # bad input, from any command: its one-line message, never a traceback
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:  # a fault of the system that no command met more precisely: one line, never a traceback
        from .io.errors import describe_os_error

        print(f"error: {describe_os_error(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
