"""Thin views of the jobs app, one module per area; they read through `access` and change state through `actions`."""
