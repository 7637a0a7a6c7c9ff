"""Writing a period's source sidecar (source.yml) and recording its files' checksums in it.

`render_sidecar` writes a new sidecar with its fields in the order io.rawdata.SIDECAR_FIELDS gives
(that of data/raw/2021-10/source.yml), and comments that say how it was made. `seal_text` records
new checksums by editing only the `sha256:` lines of the `files:` block (adding an entry for a file
not listed yet), so that the comments, order and wording a person gave the sidecar survive: PyYAML,
the YAML library the project already has, drops comments on a round trip. The edited text is
parsed again and checked to say exactly what was meant before it is returned. The sidecar is read
by io.rawdata.read_sidecar.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ..io.rawdata import RAW_FILES, SIDECAR, SIDECAR_FIELDS, parse_sidecar, sha256_of


def scalar(value) -> str:
    """A YAML scalar for a string: plain when it reads back as itself, else double-quoted.

    Dates, periods and digit-only strings are always quoted ("2021-10", "2021-12-09T11:30:00+08:00",
    a sha256 that happens to hold no letter), as in the 2021-10 sidecar, so YAML never turns
    them into dates or numbers.
    """
    text = str(value)
    if re.fullmatch(r"[\d:T+\-. ]+", text) or text == "":
        return json.dumps(text, ensure_ascii=False)
    try:
        plain_ok = yaml.safe_load(f"k: {text}") == {"k": text} and "#" not in text and "\n" not in text
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def folder_files(folder: Path) -> list[str]:
    """The files of a period folder the sidecar records: every file but itself and hidden ones,
    the required ones first."""
    names = sorted(p.name for p in Path(folder).iterdir()
                   if p.is_file() and p.name != SIDECAR and not p.name.startswith("."))
    order = list(RAW_FILES)
    return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))


def render_sidecar(fields: dict, checksums: dict[str, str], comments: list[str]) -> str:
    """A new source.yml: `comments` first (each a line), then `fields` in SIDECAR_FIELDS (a mapping,
    such as period_covered's start, end and note, as a block), then `files` with each file's
    description and sha256."""
    lines = [f"# {comment}".rstrip() for comment in comments]
    for name in SIDECAR_FIELDS:
        if name == "files":
            lines.append("files:")
            for file_name, checksum in checksums.items():
                lines.append(f"  {file_name}:")
                lines.append(f"    description: {scalar(_description(file_name))}")
                lines.append(f"    sha256: {scalar(checksum)}")
        elif isinstance(fields.get(name), dict):  # period_covered (start, end, note), accepted_mismatch
            lines.append(f"{name}:")
            lines += [f"  {key}: {scalar(value)}" for key, value in fields[name].items()]
        elif name in fields and fields[name] is not None:
            lines.append(f"{name}: {scalar(fields[name])}")
    text = "\n".join(lines) + "\n"
    assert _parsed(text)["files"] == {n: {"description": _description(n),
                                                  "sha256": c} for n, c in checksums.items()}
    return text


def recorded_checksums(data: dict) -> dict[str, str | None]:
    """File name -> the sha256 the sidecar records (None when an entry has none)."""
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    found = {}
    for name, entry in files.items():
        value = entry.get("sha256") if isinstance(entry, dict) else entry
        found[str(name)] = str(value) if value else None
    return found


def seal_text(text: str, checksums: dict[str, str]) -> str:
    """`text` (a source.yml) with `checksums` recorded: each file's sha256 line edited in place,
    an entry added (with its description) for a file the sidecar does not list yet.

    Raises ValueError when the sidecar has no readable `files:` mapping to edit.
    """
    data = _parsed(text)
    if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
        raise ValueError("its `files:` is not a mapping of file names")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if re.match(r"files:\s*(#.*)?$", line)), None)
    if start is None:
        lines.append("files:\n")
        start = len(lines) - 1
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t", "#"))):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after the block stay after it
    for name, checksum in checksums.items():
        entry = _entry_line(lines, start + 1, end, name)
        if entry is None:
            addition = [f"  {name}:\n", f"    description: {scalar(_description(name))}\n",
                        f"    sha256: {scalar(checksum)}\n"]
            lines[end:end] = addition
            end += len(addition)
            continue
        indent = len(lines[entry]) - len(lines[entry].lstrip())
        inline = re.match(rf"(\s*[\"']?{re.escape(name)}[\"']?\s*:\s*)([^#\s][^#]*?)?(\s*#.*)?$",
                          lines[entry].rstrip("\n"))
        if inline and inline.group(2):  # `report.txt: <sha256>` on one line
            lines[entry] = f"{inline.group(1)}{scalar(checksum)}{inline.group(3) or ''}\n"
            continue
        child, last_child, sha_line = entry + 1, entry, None
        while child < end and (not lines[child].strip() or len(lines[child]) - len(lines[child].lstrip()) > indent):
            if lines[child].strip():
                last_child = child
            if re.match(r"\s+sha256\s*:", lines[child]):
                sha_line = child
            child += 1
        if sha_line is not None:
            lines[sha_line] = re.sub(r"(sha256\s*:\s*)(\S*)", lambda m: m.group(1) + scalar(checksum), lines[sha_line],
                                     count=1)
        else:
            lines.insert(last_child + 1, " " * (indent + 2) + f"sha256: {scalar(checksum)}\n")
            end += 1
    result = "".join(lines)
    after = _parsed(result)
    recorded = recorded_checksums(after)
    assert all(recorded.get(name) == checksum for name, checksum in checksums.items()), "seal_text lost a checksum"
    assert {k: v for k, v in after.items() if k != "files"} == {k: v for k, v in data.items() if k != "files"}
    return result


def _description(name: str) -> str:
    """What a file of the period is, in the sidecar's words (io.rawdata.RAW_FILES)."""
    return RAW_FILES.get(name, "a file of the period")


def _entry_line(lines: list[str], start: int, end: int, name: str) -> int | None:
    pattern = re.compile(rf"\s+[\"']?{re.escape(name)}[\"']?\s*:")
    return next((i for i in range(start, end) if pattern.match(lines[i])), None)


def checksums_of(folder: Path, names: list[str]) -> dict[str, str]:
    return {name: sha256_of(Path(folder) / name) for name in names}


def _parsed(text: str) -> dict:
    """A sidecar's text as its mapping, through the one sidecar parser (io.rawdata.parse_sidecar)."""
    return parse_sidecar(text, Path(SIDECAR))
