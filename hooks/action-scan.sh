#!/usr/bin/env bash
# The GitHub Action's steps. Every input arrives through the environment (never templated into the
# script): INPUT_PATHS, INPUT_REMOTE, INPUT_FAIL_ON, INPUT_CATEGORY, INPUT_CONFIG, INPUT_CHANGED_LINES_ONLY,
# INPUT_VERSION, INPUT_PYTHON, INPUT_UPLOAD_SARIF, INPUT_BOM, HF_TOKEN, GITHUB_TOKEN, MODELSCOPE_API_TOKEN,
# CSGHUB_TOKEN, HUBGUARD_ACTION_PATH.
#   action-scan.sh prepare   writes venv-path, venv-key and cache-dir to $GITHUB_OUTPUT (for actions/cache)
#   action-scan.sh           installs hubguard unless the cached venv matches, scans, writes sarif-file,
#                            changed-sarif-file, bom-file, findings, gate and upload to $GITHUB_OUTPUT and a findings
#                            table to $GITHUB_STEP_SUMMARY; exits 0 unless hubguard itself fails (the
#                            action's last step enforces fail-on, after the SARIF upload).
# HUBGUARD_BIN, when set, is used instead of installing hubguard into a venv (tests); then HUBGUARD_PYTHON
# (default: INPUT_PYTHON) must be a Python that can import hubguard.
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
venv="$RUNNER_TEMP/hubguard-venv"
cache_dir="$RUNNER_TEMP/hubguard-cache"
version="${INPUT_VERSION:-}"
if [[ -n "$version" && ! "$version" =~ ^[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?(\.post[0-9]+)?(\.dev[0-9]+)?$ ]]; then
  fail "version must be a release number such as 0.1.0, got '$version'"
fi

# What the venv holds: the release, or this action's own source, for this interpreter and platform.
venv_key() {
  local what interpreter
  if [[ -n "$version" ]]; then
    what="hubguard==$version"
  else
    what="source-$(cd "$action_path" && find pyproject.toml src -type f -not -path '*/__pycache__/*' -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  fi
  interpreter="$("$python" -c 'import platform, sys; print(f"{platform.system()}-{platform.machine()}-py{sys.version_info[0]}.{sys.version_info[1]}")')"
  echo "hubguard-venv-$interpreter-$what"
}

if [[ "${1:-}" == "prepare" ]]; then
  {
    echo "venv-path=$venv"
    echo "venv-key=$(venv_key)"
    echo "cache-dir=$cache_dir"
  } >>"$GITHUB_OUTPUT"
  exit 0
fi

fail_on="${INPUT_FAIL_ON:-none}"
case "$fail_on" in
  none | note | warning | error) ;;
  *) fail "fail-on must be none, note, warning or error, got '$fail_on'" ;;
esac

for token in HF_TOKEN GITHUB_TOKEN MODELSCOPE_API_TOKEN CSGHUB_TOKEN; do
  if [[ -n "${!token:-}" ]]; then
    echo "::add-mask::${!token}"
    export "${token?}"
  else
    unset "$token"
  fi
done

hubguard="${HUBGUARD_BIN:-}"
tool_python="${HUBGUARD_PYTHON:-$python}" # a Python that can import hubguard (the hooks/ helpers need it)
if [[ -z "$hubguard" ]]; then
  venv_bin="$venv/bin"
  [[ -d "$venv/Scripts" ]] && venv_bin="$venv/Scripts" # Windows runners
  key="$(venv_key)"
  if [[ -x "$venv_bin/hubguard" && "$(cat "$venv/.hubguard-key" 2>/dev/null)" == "$key" ]]; then
    echo "hubguard: reusing the cached environment ($key)"
  else
    rm -rf "$venv"
    "$python" -m venv "$venv"
    [[ -d "$venv/Scripts" ]] && venv_bin="$venv/Scripts"
    # Default: this action's own checkout, so the action and the tool are always the same version.
    requirement="$action_path"
    [[ -z "$version" ]] || requirement="hubguard==$version"
    "$venv_bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"
    echo "$key" >"$venv/.hubguard-key"
  fi
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
args+=(--cache-dir "$cache_dir")
is_true "${INPUT_REMOTE:-true}" || args+=(--offline)
[[ -z "${INPUT_CONFIG:-}" ]] || args+=(--config "$INPUT_CONFIG")

cd "${GITHUB_WORKSPACE:-.}"
status=0
"$hubguard" "${args[@]}" -- "${paths[@]}" || status=$?
if [[ $status -ne 0 || ! -s "$sarif" ]]; then
  fail "hubguard scan failed (exit $status)"
fi
echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"

# The event's JSON, or nothing: the pull request's base SHA and whether its head lives in a fork.
event_field() {
  [[ -f "${GITHUB_EVENT_PATH:-}" ]] || return 0
  "$python" - "$GITHUB_EVENT_PATH" "$1" <<'PY'
import json, sys
event = json.load(open(sys.argv[1], encoding="utf-8"))
pull = event.get("pull_request") or {}
if sys.argv[2] == "base":
    print((pull.get("base") or {}).get("sha") or "")
else:
    head = (pull.get("head") or {}).get("repo") or {}
    base = (pull.get("base") or {}).get("repo") or {}
    print("fork" if pull and head.get("full_name") != base.get("full_name") else "")
PY
}

upload=false
if is_true "${INPUT_UPLOAD_SARIF:-true}"; then
  upload=true
  if [[ "${GITHUB_EVENT_NAME:-}" == "pull_request" && "$(event_field fork)" == "fork" ]]; then
    upload=false
    echo "::notice title=hubguard::pull request from a fork: its token cannot write security events, so the SARIF upload is skipped (the findings are in the job summary and the sarif-file output)"
  elif [[ "${GITHUB_EVENT_NAME:-}" == "pull_request" && "${GITHUB_ACTOR:-}" == "dependabot[bot]" ]]; then
    upload=false
    echo "::notice title=hubguard::Dependabot pull request: its token is read-only, so the SARIF upload is skipped"
  fi
fi
echo "upload=$upload" >>"$GITHUB_OUTPUT"

if is_true "${INPUT_BOM:-false}"; then
  # The same scan again, as an inventory (a later --format/--output wins): branches are looked up again,
  # what each commit holds comes from the result cache the first run filled.
  bom="$out_dir/hubguard.cdx.json"
  "$hubguard" "${args[@]}" --format cyclonedx --output "$bom" --quiet -- "${paths[@]}" || status=$?
  [[ $status -eq 0 && -s "$bom" ]] || fail "hubguard could not write the ML-BOM (exit $status)"
  echo "bom-file=$bom" >>"$GITHUB_OUTPUT"
fi

gated="$sarif"
if is_true "${INPUT_CHANGED_LINES_ONLY:-false}"; then
  base_sha=""
  [[ "${GITHUB_EVENT_NAME:-}" != pull_request* ]] || base_sha="$(event_field base)"
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

summary_args=("$gated" --fail-on "$fail_on")
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  title="hubguard"
  [[ "$gated" == "$sarif" ]] || title="hubguard (lines changed by this pull request)"
  summary_args+=(--markdown "$GITHUB_STEP_SUMMARY" --title "$title")
fi
summary="$("$python" "$action_path/hooks/sarif_summary.py" "${summary_args[@]}")"
findings="$(sed -n 's/^findings=//p' <<<"$summary")"
blocking="$(sed -n 's/^blocking=//p' <<<"$summary")"
echo "findings=$findings" >>"$GITHUB_OUTPUT"
if [[ "$blocking" -gt 0 ]]; then
  echo "gate=fail" >>"$GITHUB_OUTPUT"
else
  echo "gate=pass" >>"$GITHUB_OUTPUT"
fi
echo "hubguard: $findings finding(s), $blocking at or above fail-on=$fail_on"
