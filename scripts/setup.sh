#!/usr/bin/env bash
# Sets up newsflow from nothing: .venv at the repository root with the `newsflow` command,
# the pinned Python packages (spaCy model included), and the Kafka jars (Maven, cached
# outside git). Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null || { echo "setup: '$1' is required ($2)" >&2; exit 1; }; }
need python3.11 "Python 3.11" 2>/dev/null || need python3 "Python 3.11"
need java "Java 17 runs the local Kafka broker"
need mvn "Maven fetches the Kafka jars once"

PYTHON=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/newsflow broker --fetch >/dev/null
echo "setup: ready (.venv/bin/newsflow)" >&2
