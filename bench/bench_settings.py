"""Settings for the API throughput benchmark's gunicorn (bench/api_throughput.py): Irum's
own, with a URLconf that adds the bare baseline view (bench/bare_urls.py). Irum's
settings read only IRUM_* variables, and none of them names the URLconf."""

from irum.settings import *  # noqa: F403

ROOT_URLCONF = "bare_urls"
