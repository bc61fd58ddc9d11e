"""The dashboard's screens: the dashboard itself, one job in detail, and the modal dialogs."""
