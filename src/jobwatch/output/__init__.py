"""Headless output (no Textual): `jobwatch tail`, its cursor-committing writer, the one JSONL encoder, and
the dashboard's JSONL export that uses it."""
