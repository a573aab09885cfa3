#!/usr/bin/env bash
# The GitHub Action's scan step. Every input arrives through the environment (never templated
# into the script): INPUT_PATHS, INPUT_REMOTE, INPUT_FAIL_ON, INPUT_CATEGORY, INPUT_CONFIG,
# INPUT_CHANGED_LINES_ONLY, INPUT_VERSION, INPUT_PYTHON, HF_TOKEN, HUBGUARD_ACTION_PATH.
# HUBGUARD_BIN, when set, is used instead of installing hubguard into a fresh venv (tests); then
# HUBGUARD_PYTHON (default: INPUT_PYTHON) must be a Python that can import hubguard.
# Writes sarif-file, changed-sarif-file, findings and gate to $GITHUB_OUTPUT; exits 0 unless
# hubguard itself fails (the action's last step enforces fail-on, after the SARIF upload).
set -euo pipefail

fail() {
  echo "::error title=hubguard::$1"
  exit 2
}

is_true() {
  case "$1" in
    true | True | TRUE | yes | 1) return 0 ;;
    false | False | FALSE | no | 0 | "") return 1 ;;
    *) fail "expected true or false, got '$1'" ;;
  esac
}

: "${RUNNER_TEMP:?RUNNER_TEMP is not set}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
action_path="${HUBGUARD_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
python="${INPUT_PYTHON:-python3}"
fail_on="${INPUT_FAIL_ON:-none}"
case "$fail_on" in
  none | note | warning | error) ;;
  *) fail "fail-on must be none, note, warning or error, got '$fail_on'" ;;
esac

if [[ -n "${HF_TOKEN:-}" ]]; then
  echo "::add-mask::${HF_TOKEN}"
  export HF_TOKEN
else
  unset HF_TOKEN
fi

hubguard="${HUBGUARD_BIN:-}"
tool_python="${HUBGUARD_PYTHON:-$python}" # a Python that can import hubguard (the hooks/ helpers need it)
if [[ -z "$hubguard" ]]; then
  version="${INPUT_VERSION:-}"
  if [[ -n "$version" && ! "$version" =~ ^[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?(\.post[0-9]+)?(\.dev[0-9]+)?$ ]]; then
    fail "version must be a release number such as 0.1.0, got '$version'"
  fi
  venv="$RUNNER_TEMP/hubguard-venv"
  "$python" -m venv "$venv"
  venv_bin="$venv/bin"
  [[ -d "$venv/Scripts" ]] && venv_bin="$venv/Scripts" # Windows runners
  # Default: this action's own checkout, so the action and the tool are always the same version.
  requirement="$action_path"
  [[ -z "$version" ]] || requirement="hubguard==$version"
  "$venv_bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"
  hubguard="$venv_bin/hubguard"
  tool_python="$venv_bin/python"
fi

paths=()
if [[ "${INPUT_PATHS:-}" == *$'\n'* ]]; then
  while IFS= read -r entry; do
    [[ -n "$entry" ]] && paths+=("$entry")
  done <<<"$INPUT_PATHS"
else
  read -r -a paths <<<"${INPUT_PATHS:-.}"
fi
[[ ${#paths[@]} -gt 0 ]] || paths=(.)

out_dir="$RUNNER_TEMP/hubguard"
mkdir -p "$out_dir"
sarif="$out_dir/hubguard.sarif"
args=(scan --format sarif --output "$sarif" --fail-on none --category "${INPUT_CATEGORY:-hubguard}")
is_true "${INPUT_REMOTE:-true}" || args+=(--offline)
[[ -z "${INPUT_CONFIG:-}" ]] || args+=(--config "$INPUT_CONFIG")

cd "${GITHUB_WORKSPACE:-.}"
status=0
"$hubguard" "${args[@]}" -- "${paths[@]}" || status=$?
if [[ $status -ne 0 || ! -s "$sarif" ]]; then
  fail "hubguard scan failed (exit $status)"
fi
echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"

gated="$sarif"
if is_true "${INPUT_CHANGED_LINES_ONLY:-false}"; then
  base_sha=""
  if [[ "${GITHUB_EVENT_NAME:-}" == pull_request* && -f "${GITHUB_EVENT_PATH:-}" ]]; then
    base_sha="$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pull_request"]["base"]["sha"])' "$GITHUB_EVENT_PATH")"
  fi
  changed="$out_dir/hubguard-changed.sarif"
  if [[ -z "$base_sha" ]]; then
    echo "::notice title=hubguard::changed-lines-only applies to pull_request events; reporting every finding"
  elif "$tool_python" "$action_path/hooks/filter_sarif_to_diff.py" --sarif "$sarif" --base "$base_sha" --output "$changed"; then
    gated="$changed"
    echo "changed-sarif-file=$gated" >>"$GITHUB_OUTPUT"
  else
    echo "::warning title=hubguard::cannot diff against $base_sha (check out with fetch-depth: 0); reporting every finding"
  fi
fi

summary="$("$python" "$action_path/hooks/sarif_summary.py" "$gated" --fail-on "$fail_on")"
findings="$(sed -n 's/^findings=//p' <<<"$summary")"
blocking="$(sed -n 's/^blocking=//p' <<<"$summary")"
echo "findings=$findings" >>"$GITHUB_OUTPUT"
if [[ "$blocking" -gt 0 ]]; then
  echo "gate=fail" >>"$GITHUB_OUTPUT"
else
  echo "gate=pass" >>"$GITHUB_OUTPUT"
fi
echo "hubguard: $findings finding(s), $blocking at or above fail-on=$fail_on"
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  echo "**hubguard**: $findings finding(s), $blocking at or above \`fail-on: $fail_on\`" >>"$GITHUB_STEP_SUMMARY"
fi
