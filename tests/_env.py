"""Loaded before pytest-django sets Django up (`-p tests._env` in pyproject.toml): the tests run
as a development install, as `make test` runs them."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
