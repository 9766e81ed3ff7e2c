#!/usr/bin/env bash
# Install dashkit and serve the demo shop admin on http://127.0.0.1:8000/admin/.
# Usage: bash scripts/demo.sh [--port N] [--fresh]
# It prints the demo admin's one-time password; sign in as "demo".
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .

exec .venv/bin/dashkit demo "$@"
