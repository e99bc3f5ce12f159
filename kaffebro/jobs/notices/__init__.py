"""Notifications of the jobs app: each area module registers its kinds with the notifications registry."""

import importlib

AREAS = ["postings", "shares", "suggestions", "outcomes", "coaching"]


def register_notices() -> None:
    """Register every area's notification kinds; an area without notices has no module."""
    for area in AREAS:
        try:
            module = importlib.import_module(f"kaffebro.jobs.notices.{area}")
        except ModuleNotFoundError as missing:
            if missing.name != f"kaffebro.jobs.notices.{area}":
                raise
            continue
        module.register()
