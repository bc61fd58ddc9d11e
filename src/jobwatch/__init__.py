"""jobwatch: watch many Server-Sent Events job streams at once."""

__version__ = "0.1.0"
