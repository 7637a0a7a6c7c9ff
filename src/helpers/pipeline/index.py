"""`outputs/index.html`, a published file like the periods' pages.

The index lists every published period (a folder `outputs/<period>/` with a `report.html`), newest
first, with the period's title and a link to each edition. It has a manifest of its own,
`outputs/manifest.json`, recording the index's sha256 and the periods it lists, so that:

- a run, `status` and `verify` find an index edited, deleted or left behind by hand (its bytes no
  longer match the manifest) or out of date (it lists other periods than are published, or today's
  code would write other bytes), and a run repairs it;
- the index is written inside a period's journaled publish (`swap.roll_forward`), after both folders
  are in place and before the journal is removed: a kill at any moment leaves a journal, and the next
  run of the period writes the index again, so a month is never left off it.

The index is written under its own lock, from what is on disk at that moment, so that periods
published at once (run --all) each see the others. The page's layout is `publish.pages.index_html`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from ..io.errors import InputError
from ..io.paths import Layout, is_period
from ..io.readers import MANIFEST_LIMIT, read_limited
from ..io.writers import write_bytes, write_json
from . import locks

INDEX = "index.html"
MANIFEST = "manifest.json"


def index_path(layout: Layout) -> Path:
    return layout.outputs / INDEX


def manifest_path(layout: Layout) -> Path:
    return layout.outputs / MANIFEST


def lock_path(layout: Layout) -> Path:
    return layout.outputs / ".state" / "index.lock"


def published_periods(layout: Layout) -> list[str]:
    """The periods the index lists: every outputs/<period>/ holding a report.html."""
    if not layout.outputs.is_dir():
        return []
    return sorted(folder.name for folder in layout.outputs.iterdir()
                  if is_period(folder.name) and (folder / "report.html").is_file())


def entries(layout: Layout) -> list[dict]:
    """Each published period: its title (from its source sidecar) and its editions' pages."""
    from ..io.rawdata import load_source
    from ..publish.edition import page_name
    from .contract import EDITIONS

    found = []
    for period in published_periods(layout):
        folder = layout.outputs_period(period)
        title = ""
        with contextlib.suppress(Exception):  # a period without its raw folder is still listed
            title = load_source(layout.raw_period(period)).title
        found.append({"period": period, "title": title,
                      "editions": [[language, page_name(language)] for language in EDITIONS
                                   if (folder / page_name(language)).is_file()]})
    return found


def render(layout: Layout) -> tuple[bytes, dict]:
    """The index page as today's code writes it for what is published, and its manifest."""
    from ..publish import pages

    listed = entries(layout)
    page = pages.index_html([{**e, "editions": [tuple(pair) for pair in e["editions"]]} for e in listed])
    data = page.encode("utf-8")
    record = {"index.html": hashlib.sha256(data).hexdigest(),
              "periods": {e["period"]: {"title": e["title"], "editions": [name for _, name in e["editions"]]}
                          for e in listed}}
    return data, record


def read_record(layout: Layout) -> dict | None:
    """The index's manifest, or None if there is none or it is not one (named by `problems`)."""
    path = manifest_path(layout)
    if not path.is_file():
        return None
    try:
        data = json.loads(read_limited(path, MANIFEST_LIMIT, "manifest").decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("index.html"), str) \
            or not isinstance(data.get("periods"), dict):
        return None
    return data


def problems(layout: Layout, today: bool = True) -> list[str]:
    """How the published index differs from what it should be ([] if it is as it should be).

    Checks the index against its manifest (edited or deleted by hand), the manifest against what
    is published (a period missing or left over), and, with `today`, the bytes against what today's
    code writes."""
    periods = published_periods(layout)
    index, record = index_path(layout), read_record(layout)
    found = []
    if not index.is_file():
        if periods:
            found.append(f"outputs/{INDEX} is missing")
        return found
    if record is None:
        found.append(f"outputs/{MANIFEST} (the index's manifest) is missing or unreadable")
    else:
        digest = hashlib.sha256(index.read_bytes()).hexdigest()
        if digest != record["index.html"]:
            found.append(f"outputs/{INDEX} differs from what outputs/{MANIFEST} records (edited by hand?)")
        listed = sorted(record["periods"])
        missing = [p for p in periods if p not in listed]
        extra = [p for p in listed if p not in periods]
        if missing:
            found.append(f"outputs/{INDEX} does not list {', '.join(missing)}")
        if extra:
            found.append(f"outputs/{INDEX} lists {', '.join(extra)}, which {'is' if len(extra) == 1 else 'are'} "
                         "not published")
    if today and not found:
        data, _ = render(layout)
        if index.read_bytes() != data:
            found.append(f"today's code writes outputs/{INDEX} differently (its layout or a period's title changed)")
    return found


def update(layout: Layout, only_if_drifted: bool = False) -> str:
    """Write the index and its manifest if either differs from what is published; under the
    index's lock. Returns what was repaired ("" if nothing was, or if nothing is published).

    `only_if_drifted` (a run that publishes nothing): write only if the index no longer matches its
    manifest or what is published. Today's code can write it differently only after a code change,
    and a code change republishes the periods, whose publish writes the index."""
    if not layout.outputs.is_dir():
        return ""
    with locks.hold(lock_path(layout), "another run writing the index"):
        sweep_temporary(layout)
        index = index_path(layout)
        if not published_periods(layout) and not index.exists():
            return ""
        what = problems(layout, today=False)
        if only_if_drifted and not what:
            return ""
        data, record = render(layout)
        if not index.is_file() or index.read_bytes() != data:
            what = what or [f"today's code writes outputs/{INDEX} differently"]
            write_bytes(index, data)
        if read_record(layout) != record:
            write_json(manifest_path(layout), record)
        return "; ".join(what)


def sweep_temporary(layout: Layout) -> list[str]:
    """Remove the temporary files a killed writer of the index left (`.index.html.*.tmp`), under the
    index's lock (held by the caller). Returns their names."""
    removed = []
    for name in (INDEX, MANIFEST):
        for path in layout.outputs.glob(f".{name}.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path.name)
    return removed
