"""Notifications: an in-app inbox and e-mail for what other apps register (see docs/notifications.md)."""
