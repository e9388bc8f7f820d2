#!/bin/sh
# Start one Rasa replica with the served model, as `python -m bot run` does (bot/runner.py).
#
# The served model is the one models/registry.json names (`python -m bot model path`), not the
# newest file, so a restart after `python -m bot model rollback` keeps the rolled-back model.
# Every argument is passed on to `python -m bot.rasa_server` (that is, `rasa run`) after --model.
# RASA_AUTH_TOKEN must be in the environment; bot/rasa_server.py refuses to start without it.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="$root/.venv/bin/python"
cd "$root"
model="$("$python" -m bot model path)"
exec "$python" -m bot.rasa_server --model "$model" "$@"
