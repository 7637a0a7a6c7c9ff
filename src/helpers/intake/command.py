"""`shaoyang-report draft REPORT.txt [--period YYYY-MM] [--out FILE] [--compare TRANSCRIPTION.csv]`.

Writes the draft (helpers.intake.draft) of a report text as CSV, to a file or standard output, and
a summary to standard error; with a transcription (given, or the period's figures.csv found from
the report's folder) it also says what each side has that the other lacks. Reads, writes and
errors go through helpers.io, as every command's do.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from ..io.errors import InputError
from ..io.paths import Period
from ..io.rawdata import read_report
from ..io.readers import read_csv_strict
from ..io.writers import csv_text, write_text
from .draft import FIGURE, TRANSCRIPTION_KEYS, compare_with_transcription, draft_figures


def read_transcription(path: Path) -> pd.DataFrame:
    """A hand transcription (figures.csv) as text columns. Raises InputError if unusable."""
    header, rows, _ = read_csv_strict(path, TRANSCRIPTION_KEYS, allow_empty=True)
    return pd.DataFrame(rows, columns=header)


def find_period_transcription(report: Path, period: str) -> Path | None:
    """data/raw/<period>/figures.csv in the report's folder or one of its parents, if any."""
    folder = Path(report).resolve().parent
    for parent in (folder, *folder.parents):
        candidate = parent / "data" / "raw" / period / "figures.csv"
        if candidate.is_file():
            return candidate
    return None


def _write(text: str, out: Path | None) -> None:
    if out is not None:
        if out.is_dir():
            raise InputError(out, "is a folder", expected="a file to write the draft to",
                             fix=f"Name a file, e.g. --out {out / 'draft.csv'}")
        if out.exists() and not out.is_file():
            # A device or a pipe (/dev/stdout, a FIFO): written through, never replaced by a file.
            with open(out, "wb") as stream:
                stream.write(text.encode("utf-8"))
            return
        write_text(Path(os.path.realpath(out)), text)  # through a link, to the file it names
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        sys.stdout.write(text)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def draft_command(report: Path, period: str | None, out: Path | None, compare: Path | None) -> int:
    """Run the command; return its exit code.

    Writes the draft CSV to `out` (or stdout), a summary to stderr, and returns 0 when the draft
    was written (also when it holds no figures), 2 for bad input (missing or non-UTF-8 report,
    malformed period, unreadable transcription, unwritable output), 1 for an unexpected failure
    (reported in one line, without a traceback). With a period and no `compare`, the period's
    data/raw/<period>/figures.csv found from the report's folder is compared automatically.
    """
    report = Path(report)
    try:
        _draft_command(report, period, out, compare)
    except InputError as exc:
        _say(f"error: {exc.message}")
        return 2
    except OSError as exc:
        _say(f"error: {out or 'standard output'}: cannot write the draft ({exc.strerror or exc})")
        return 2
    except Exception as exc:  # a bug here must still not end in a traceback for the analyst
        _say(f"error: drafting {report} failed ({type(exc).__name__}: {exc}); please report this with the file")
        return 1
    return 0


def _draft_command(report: Path, period: str | None, out: Path | None, compare: Path | None) -> None:
    """The work of draft_command, raising InputError / OSError for bad input."""
    if period is not None:
        try:
            period = Period(period)
        except ValueError as exc:
            raise InputError("--period", str(exc)) from None
    _, text = read_report(report)
    text = text.removeprefix("\ufeff")  # a byte-order mark is still UTF-8; the draft does without it
    if compare is None and period is not None:
        compare = find_period_transcription(report, period)
    transcription = read_transcription(compare) if compare is not None else None
    draft = draft_figures(text, period)
    _write(csv_text(draft), out)

    figures = int((draft["status"] == FIGURE).sum())
    others = len(draft) - figures
    if figures == 0:
        _say(f"{report}: no figures found ({others} other number(s)).")
    else:
        _say(f"{report}: {figures} figure(s), {others} not-figure(s)"
             + (f"; draft written to {out}" if out is not None else ""))
    if transcription is None:
        return
    differences = compare_with_transcription(draft, transcription)
    only_draft = int((differences["side"] == "only in draft").sum())
    only_transcription = int((differences["side"] == "only in transcription").sum())
    _say(f"compared with {compare}: {len(transcription) - only_transcription} of {len(transcription)} "
         f"transcribed figure(s) found in the draft; {only_transcription} only in the transcription, "
         f"{only_draft} only in the draft")
    for _, row in differences.iterrows():
        quote = row["quote"] if len(row["quote"]) <= 40 else row["quote"][:40] + "…"
        _say(f"  {row['side']}: {row['figure_id']} {row['value']}{row['unit']} in {quote}")
