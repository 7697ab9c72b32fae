#!/usr/bin/env bash
# Pin every dependency (transitive ones included) from pyproject.toml's ranges with pip-tools:
# requirements.txt for running the dashboard and the ETL, requirements-dev.txt for the tests and lint as well.
# Existing pins are kept; `tools/lock_requirements.sh --upgrade` moves them to the newest releases the ranges allow.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q pip-tools==7.4.1
common=(--quiet --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host "$@")
python3 -m piptools compile "${common[@]}" -o requirements.txt pyproject.toml
python3 -m piptools compile "${common[@]}" --extra dev -o requirements-dev.txt pyproject.toml
