"""Bulk import of ideas into one creator's account, all or nothing (`manage.py import_ideas`).

Accepted files:

* **JSON**: the document `export_user_data` writes (`{"format": "creatorvault.user-export", …,
  "ideas": [...]}`), the same wrapped in the API's envelope (`{"success": true, "data": {...}}`),
  `{"ideas": [...]}`, or a bare list of idea objects.
* **CSV**: a header row naming the columns (`title` is required; `notes`, `stage`, `tags`,
  `priority`, `due_date` are optional). `tags` is comma-separated text or a JSON list.

Every row goes through `ideas.services.ideas.idea_create`, the very function behind `POST /api/v1/ideas`,
so an import accepts exactly what the API accepts. Imported ideas are new ideas of the target user
(new ids, created now): to restore an export with its ids and times use `import_user_data`.
Server-managed fields of an export (`id`, `user_id`, `created_at`, `updated_at`, `version`, rank
columns: every column of an idea but the writable ones) are ignored; any other unknown field
rejects its row. Ideas that were in the trash when exported (`trashed_at` set) are skipped and
counted, not revived. One transaction holds the whole
file: if any row is rejected nothing is imported, and the report lists every rejected row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.models import User
from creatorvault.errors import ApplicationError, ValidationFailed
from ideas.models import CONTENT_FIELDS, Idea
from ideas.services.ideas import idea_create

WRITABLE_FIELDS = CONTENT_FIELDS
FORMATS = ("json", "csv")


def server_managed_fields() -> frozenset[str]:
    """Fields an export carries that the server sets itself (every other column of an idea).

    Read from the model, so a column added later is ignored by imports rather than refused.
    """
    columns = {f.name for f in Idea._meta.concrete_fields} | {f.attname for f in Idea._meta.concrete_fields}
    return frozenset((columns | {"etag"}) - set(WRITABLE_FIELDS))


class ImportFileError(ValueError):
    """The file cannot be read as ideas at all (as opposed to a row that breaks a rule)."""


@dataclass(frozen=True)
class ImportRow:
    """One idea read from the file, with where it came from (a CSV line, or the n-th JSON object)."""

    position: str
    values: Any


class SkippedRow(Exception):
    """A row deliberately left out (an idea that was in the trash when exported)."""


@dataclass(frozen=True)
class RejectedRow:
    """A row refused by the rules, with every reason."""

    position: str
    reasons: list[str]


@dataclass
class ImportReport:
    """What an import did (or, when rows were rejected or it was a dry run, would have done)."""

    rows: int = 0
    valid: int = 0
    skipped_trashed: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        """Ideas actually written: all valid rows, or none."""
        return 0 if self.dry_run or self.rejected else self.valid


# --- Reading ----------------------------------------------------------------------------------------


def detect_format(path: Path, requested: str | None) -> str:
    """`json` or `csv`, from `requested` or else the file's extension."""
    fmt = (requested or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ImportFileError(
            f"Cannot tell the format of {path.name}: use a .json or .csv file, or --format."
        )
    return fmt


def read_rows(path: Path, fmt: str) -> list[ImportRow]:
    """Every idea row of the file; `ImportFileError` when the file as a whole is unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(_json_rows(handle.read()) if fmt == "json" else _csv_rows(handle))
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path.name} is not UTF-8 text.") from None


def _json_rows(text: str) -> Iterator[ImportRow]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from None
    if isinstance(document, dict) and document.get("success") is True and "data" in document:
        document = document["data"]
    ideas = document.get("ideas") if isinstance(document, dict) else document
    if not isinstance(ideas, list):
        raise ImportFileError("Expected an export document with an `ideas` list, or a list of ideas.")
    for number, item in enumerate(ideas, start=1):
        yield ImportRow(position=f"idea #{number}", values=item)


def _csv_rows(handle: Any) -> Iterator[ImportRow]:
    reader = csv.DictReader(handle)
    if not reader.fieldnames:
        raise ImportFileError("The CSV file is empty: it needs a header row naming its columns.")
    if "title" not in reader.fieldnames:
        raise ImportFileError("The CSV header has no `title` column.")
    try:
        for row in reader:
            values = {key: value for key, value in row.items() if key is not None}
            if None in row:
                values["(extra cells)"] = row[None]  # type: ignore[index]
            yield ImportRow(position=f"line {reader.line_num}", values=values)
    except csv.Error as exc:
        raise ImportFileError(f"Malformed CSV at line {reader.line_num}: {exc}.") from None


# --- Validating and writing -------------------------------------------------------------------------


def _csv_tags(text: str) -> Any:
    text = text.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text  # the tag rules reject it with their own message
    return [item for item in text.split(",") if item.strip()]


def row_fields(row: ImportRow, *, from_csv: bool) -> dict[str, Any]:
    """The keyword arguments for `idea_create` from one row; `ValidationFailed` for unknown fields."""
    if not isinstance(row.values, dict):
        raise ValidationFailed("Each idea must be an object.")
    if row.values.get("trashed_at"):
        raise SkippedRow()
    managed = server_managed_fields()
    unknown = sorted(str(name) for name in row.values if name not in WRITABLE_FIELDS and name not in managed)
    if unknown:
        raise ValidationFailed(f"Unknown field(s): {', '.join(unknown)}.")
    fields: dict[str, Any] = {}
    for name in WRITABLE_FIELDS:
        if name not in row.values:
            continue
        value = row.values[name]
        if from_csv:
            # An empty cell means "not given": the API's default applies (no title is still refused).
            if value == "" and name != "title":
                continue
            if name == "tags":
                value = _csv_tags(value)
        elif value is None and name != "due_date":
            continue
        fields[name] = value
    if "title" not in fields:
        raise ValidationFailed("title: This field is required.")
    return fields


def _reasons(error: ApplicationError) -> list[str]:
    details = error.details or []
    if not details:
        return [error.message]
    return [f"{detail.get('field', '?')}: {detail.get('message', '')}" for detail in details]


def ideas_import(
    *,
    owner: User,
    rows: list[ImportRow],
    from_csv: bool,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create one idea of `owner` per row through `idea_create`, in one transaction.

    Every row is validated (and, unless rejected, written); if any row is rejected, or on a dry
    run, the transaction is rolled back, so either the whole file is imported or none of it.
    """
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            try:
                fields = row_fields(row, from_csv=from_csv)
                with transaction.atomic():  # a savepoint: a refused row leaves the others intact
                    idea_create(owner=owner, **fields)
                report.valid += 1
            except SkippedRow:
                report.skipped_trashed += 1
            except ApplicationError as error:
                report.rejected.append(RejectedRow(position=row.position, reasons=_reasons(error)))
            if progress is not None:
                progress(done, len(rows))
        if dry_run or report.rejected:
            transaction.set_rollback(True)
    return report
