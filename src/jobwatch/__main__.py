"""`python -m jobwatch` runs the command line."""

from jobwatch.cli import main

raise SystemExit(main())
