"""Contact import: reading exported files, resolving them to shared persons, and writing them all-or-nothing."""
