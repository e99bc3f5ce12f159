"""Operational drills (docs/operations.md): `python -m scripts.backup_drill`, `python -m scripts.fault_drill`."""
