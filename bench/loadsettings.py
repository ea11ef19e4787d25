"""The production settings with one more URL: a bare Django view, the floor every request pays,
measured through the same server in the same run (bench/load.py)."""

from safercity.settings import *  # noqa: F403

ROOT_URLCONF = "bench.loadurls"
