"""`make bench` (python -m bench): Studio's figures, measured on the real stack.

Starts its own stack (tests/integration/stack.py: a private redis-server, a PostgreSQL
database of its own, the simulator, one Daphne and one Celery worker process), runs every
registered benchmark, prints a table and writes bench/results.json. docs/operations.md says
what each figure means.
"""
