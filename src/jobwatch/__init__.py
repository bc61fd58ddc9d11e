"""jobwatch: watch many Server-Sent Events job streams at once."""

import logging

__version__ = "0.1.0"

# Nothing is logged anywhere unless `--log-file` attaches a handler (the dashboard owns the terminal).
logging.getLogger("jobwatch").addHandler(logging.NullHandler())
