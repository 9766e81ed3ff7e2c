#!/usr/bin/env bash
# Install dashkit and serve the demo on http://127.0.0.1:8000/.
# Usage: bash scripts/demo.sh [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .

cd examples
exec ../.venv/bin/dashkit run 'hello.app:create_app()' "$@"
