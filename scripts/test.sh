#!/usr/bin/env bash
# `make test`: every check, on both cores. Rasa trains on about one core, so:
# 1. lint;
# 2. `make model` (validate, train if the data changed, evaluate, gate, serve) while the tests
#    that do not need the model run beside it;
# 3. the learning-loop test (two trainings of its own), then the production fault tests, beside
#    the other tests that need the model (the two-replica test among them), the held-out NLU
#    gate and the test stories.
# The output of what ran beside is shown after it, so the log stays readable.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
LOOP_TEST=tests/model/test_loop.py
FAULT_TEST=tests/production/test_faults.py
mkdir -p results

make --no-print-directory lint || exit 1

"$PY" -m pytest -q -m "not needs_model" >results/unit-without-model.log 2>&1 &
unit_pid=$!
make --no-print-directory model
model_status=$?
wait "$unit_pid"
unit_status=$?
echo "== tests that do not need the model (ran beside the training) =="
cat results/unit-without-model.log
if [ "$model_status" -ne 0 ] || [ "$unit_status" -ne 0 ]; then
    echo "FAILED: make model exit $model_status, tests without the model exit $unit_status"
    exit 1
fi

"$PY" -m pytest -q -s -m needs_model "$LOOP_TEST" "$FAULT_TEST" >results/learning-loop.log 2>&1 &
loop_pid=$!
"$PY" -m pytest -q -m needs_model --ignore="$LOOP_TEST" --ignore="$FAULT_TEST" &&
    make --no-print-directory eval-nlu test-stories
others_status=$?
wait "$loop_pid"
loop_status=$?
echo "== the learning-loop and fault tests (ran beside the other tests that need the model) =="
cat results/learning-loop.log
if [ "$others_status" -ne 0 ] || [ "$loop_status" -ne 0 ]; then
    echo "FAILED: tests with the model, NLU gate and test stories exit $others_status, learning loop and faults exit $loop_status"
    exit 1
fi
