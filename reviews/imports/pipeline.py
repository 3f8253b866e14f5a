"""Check every row, then write them all in one transaction, or nothing.

Rows stream through in chunks: a file is never held in memory whole. A dry run checks every
row, profiles every mapped field and compares each chunk with what is stored; an import does
the same inside one transaction and writes each chunk as it goes, rolling everything back if
any row turns out to be wrong.
"""

from .checking import AgentDirectory, RowChecker, derived_id, scan
from .results import Checked, FieldProfile, ImportOptions, RowError, Summary
from .rows import item_rows, sheet_rows
from .writing import Rollback, Writer, check_only, classify, import_rows

# The pipeline in three modules a newcomer can find: rows.py (rows from a sheet or the API),
# checking.py (each row through its fields), writing.py (compare and upsert, all or nothing);
# results.py holds what they hand each other. These names are its public face.
__all__ = [
    "AgentDirectory",
    "Checked",
    "FieldProfile",
    "ImportOptions",
    "Rollback",
    "RowChecker",
    "RowError",
    "Summary",
    "Writer",
    "check_only",
    "classify",
    "derived_id",
    "import_rows",
    "item_rows",
    "scan",
    "sheet_rows",
]  # fmt: skip
