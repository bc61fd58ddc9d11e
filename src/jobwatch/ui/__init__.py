"""The Textual dashboard: app, screens, widgets, themes and palette commands (imports Textual)."""
