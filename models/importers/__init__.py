"""All-or-nothing imports of the secretariat's spreadsheets (.xlsx or .csv, Vietnamese headers).

Kinds (``KINDS``) and their options:
- ``units``: the unit tree.
- ``tasks``: a plan's tasks; options ``plan`` (code), ``year`` (for a new plan), ``title``.
- ``results``: published index results; options ``index`` and ``year`` when the file has no such column.
  The indices must exist: ``ensure_indices`` creates the standard ones.
- ``drive_criteria``: a drive's criteria; option ``drive`` (code), and ``title``, ``starts_on``,
  ``ends_on`` to create the drive.
- ``drive_measurements``: a drive's measurements; option ``drive``.
- ``766`` (also ``dvc``, ``service``): the 766 service index by month, quarter, half or year (docs/INDEX_766.md);
  option ``period`` ("2026-10", "2026-Q3") when neither a "Kỳ" column nor the title says it.
- ``officials`` (also ``canbo``): the secretariat's list of officials with their roles and mobile numbers
  (for invites by ZNS); officials are matched by unit and name.

``import_file`` / ``import_bytes`` check every row first and write nothing unless the whole file is
good; ``dry_run`` only reports. They flush; the caller commits (or rolls back). Errors (``RowError``) and
changes (``Note``) are codes with parameters; templates/imports/_problems.j2 and
templates/uploads/_changes.j2 say them."""

from models.importers.indices import STANDARD_INDICES, ensure_indices
from models.importers.result import ImportResult, Note, RowError
from models.importers.run import KINDS, import_bytes, import_file

__all__ = [
    "KINDS",
    "STANDARD_INDICES",
    "ImportResult",
    "Note",
    "RowError",
    "ensure_indices",
    "import_bytes",
    "import_file",
]
