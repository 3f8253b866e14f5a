"""Getting interactions into the system: files (.xlsx, .csv) and the API share one pipeline.

* `fields`   — the importable fields, their header synonyms, and value parsers for messy exports;
* `files`    — opening a file safely and reading its header and rows;
* `pipeline` — checking every row (all problems, with row, column, value and reason) and
  writing the lot in one transaction (upsert by source id), or nothing.
"""
