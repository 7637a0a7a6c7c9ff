"""Writing tables and files so that the same inputs always give the same bytes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where tables are written, not by the runner
    import pandas as pd

FLOAT_FORMAT = "%.15g"  # 390589, 95.55, 118360600: no '.0', no exponent for our magnitudes


def csv_text(frame: "pd.DataFrame") -> str:
    """A table as CSV text, the one format every table is written in: '\\n' line ends, stable numbers."""
    return frame.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)


def write_csv(frame: "pd.DataFrame", path: Path) -> Path:
    """Write a table as UTF-8 CSV (csv_text), atomically."""
    return write_text(path, csv_text(frame))


def write_rows(path: Path, columns: list[str], rows: list[dict]) -> Path:
    """Write rows of text (dicts) as a CSV with `columns`, in that order; a cell a row lacks is empty."""
    import pandas as pd

    return write_csv(pd.DataFrame([{column: row.get(column, "") for column in columns} for row in rows],
                                  columns=columns), path)


def write_text(path: Path, text: str) -> Path:
    """Write text atomically: a reader never sees half a file."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes files private; published files are for everyone
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_json(path: Path, data) -> Path:
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
