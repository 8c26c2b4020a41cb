"""Roster import (花名册导入): read an XLSX or CSV roster, check every row, write it all or nothing.

One module per purpose; callers import from the module that does what they need:

- ``columns``: the roster's columns, their Chinese headers and other spellings, the limits.
- ``reading``: ``read_roster(data, filename)`` reads the file into a ``Table``; file-level
  problems raise DomainError (import_empty, import_bad_file, import_bad_header,
  import_too_many_rows).
- ``checking``: ``check_roster(table)`` checks every row against the database, read only,
  and returns a ``Check``: the problems by row and column, and what an import would do
  (new, update, reactivate, unchanged).
- ``batches``: ``create_batch()`` keeps a checked upload in an ImportBatch, so any app
  process can ``commit_batch()`` it later (re-read, re-check, write every row in one
  transaction, or nothing); ``import_roster()`` is the same write without a stored batch
  (the CLI).
- ``initial_passwords``: the initial passwords of the members an import created.
- ``files``: the files it hands out (template, initial passwords, problem list), written
  by app.exports.

Members are matched by phone. Branches, existing members and admins are loaded in bulk up
front, new members are inserted in bulk, and initial passwords are HMAC-derived from a
per-member salt (see app/org/passwords.py), so 20,000 rows take seconds, not minutes.
"""
