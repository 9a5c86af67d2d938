#!/usr/bin/env bash
# The whole test suite: type check, unit, synth and integration tests (moto, OpenBao,
# local Splunk/Dynatrace servers) and the checkov scan. Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

step() { printf '\n== %s\n' "$*"; }

step "type check (tsc --noEmit)"
npx tsc --noEmit -p .

step "test servers and scanner (.venv: moto, openbao, checkov)"
bash scripts/test-deps.sh

step "jest: unit, synth, integration"
mkdir -p .local
results=.local/jest-results.json
status=0
npx jest --ci --maxWorkers=2 --json --outputFile="$results" "$@" || status=$?

# A plain closing line, whatever jest printed last.
node -e '
const r = require(require("node:path").resolve(process.argv[1]));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`\nSummary: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' "$results" || status=1
exit "$status"
