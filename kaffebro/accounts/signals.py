"""Signals for apps that depend on accounts (accounts itself may not import them)."""

from django.dispatch import Signal

# Sent inside the transaction that renames a member; arguments: `member`, `display_name`.
display_name_changed = Signal()
