"""The audit history: every scan and station audit in one database, counts only.

``target`` parses ``--history`` (a path, ``sqlite:///PATH``, ``postgresql://...``), ``store``
opens the database (SQLite by default, PostgreSQL for several stations) and answers the views,
``rows`` is what is stored, ``views`` turns it into the tables, diffs and exports the CLI
prints, and ``importer`` reads older JSON reports into it. See docs/history.md.
"""
