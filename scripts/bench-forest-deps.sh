#!/usr/bin/env bash
# Installs krcf (AWS's Random Cut Forest for Python, the Rust random-cut-forest-by-aws
# library) into .venv for `npm run bench:forest`. Kept out of requirements-test.txt:
# `npm test` must pass on a fresh machine, and krcf ships binary wheels for a few
# platforms only (elsewhere pip would need a Rust toolchain to build it).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-forest.txt
.venv/bin/python -c 'import krcf; print(f"krcf {krcf.__version__} in .venv")'
