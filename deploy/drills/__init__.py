"""Fault drills: the system under load on a private broker and database, broken one way after another, with
every loss counted (see harness.py; run in full by `python -m bench.drills`, in short by tests/drills/)."""
