"""Configuration: the TOML file and the command line turned into one StreamSpec per job (no Textual).

`loading` combines the layers, `schema` validates the file, `headers` checks and expands headers, and
`errors` holds the one-line ConfigError every failure raises.
"""

from jobwatch.config.errors import ConfigError
from jobwatch.config.loading import LoadedConfig, Settings, load_specs, parse_source
from jobwatch.config.schema import check_url
from jobwatch.paths import default_config_path

__all__ = [
    "ConfigError",
    "LoadedConfig",
    "Settings",
    "check_url",
    "default_config_path",
    "load_specs",
    "parse_source",
]
