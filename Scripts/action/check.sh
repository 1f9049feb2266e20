#!/usr/bin/env bash
# Step "check": runs `buildx-doctor check` in GITHUB_WORKSPACE and records the result; it never fails the job
# itself, so that the SARIF upload after it still runs. The "gate" step fails the job afterwards.
#
# Inputs (environment, set by action.yml from the action's inputs):
#   INPUT_PATHS         files or folders, one per line (blank lines ignored; default ".")
#   INPUT_FORMAT        text, json, sarif or github: what the log shows
#   INPUT_FAIL_ON       error, warning, info or never: what makes the gate fail
#   INPUT_CONFIG        a configuration file, passed as `--config FILE` only when not empty
#   INPUT_UPLOAD_SARIF  "true": also write SARIF for the upload step
#   INPUT_SARIF_FILE    where to write SARIF (default RUNNER_TEMP/buildx-doctor.sarif); written when not empty
#                       or when INPUT_UPLOAD_SARIF is "true"
# Outputs: exit-code (of the check with INPUT_FAIL_ON), errors, warnings, infos, sarif-file, binary.
# The step summary gets the counts and, when jq is there (it is on GitHub's runners), a table of the findings.
set -uo pipefail
# shellcheck source=Scripts/action/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bin_dir=$(binary_dir)
bin="$bin_dir/buildx-doctor"
if [ ! -x "$bin" ]; then
  annotate_error "no buildx-doctor binary at $bin: the build step did not run or failed"
  exit 1
fi
set_output binary "$bin"
# Later steps of the job can run `buildx-doctor` themselves (`fix`, `explain`).
[ -n "${GITHUB_PATH:-}" ] && printf '%s\n' "$bin_dir" >>"$GITHUB_PATH"
cd "${GITHUB_WORKSPACE:-.}" || exit 1

paths=()
while IFS= read -r line || [ -n "$line" ]; do
  # Trim the blanks YAML block scalars leave around each line.
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && paths+=("$line")
done <<<"${INPUT_PATHS:-}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
options=()
[ -n "${INPUT_CONFIG:-}" ] && options+=(--config "$INPUT_CONFIG")
format="${INPUT_FORMAT:-github}"
fail_on="${INPUT_FAIL_ON:-warning}"

echo "buildx-doctor check ${paths[*]} ${options[*]} --format $format --fail-on $fail_on"
if [ "$format" = github ]; then
  # The runner rewrites an annotation's `file` only when it is an absolute path inside the workspace and passes
  # a relative one on as written (actions/runner src/Runner.Worker/ActionCommandManager.cs,
  # IssueCommandExtension); annotations are shown on the repository-relative path, so the `./` that checking
  # `.` puts in front goes.
  "$bin" check "${paths[@]}" ${options[@]+"${options[@]}"} --format github --fail-on "$fail_on" |
    sed 's/^\(::[a-z]* file=\)\.\//\1/'
  code=${PIPESTATUS[0]}
else
  "$bin" check "${paths[@]}" ${options[@]+"${options[@]}"} --format "$format" --fail-on "$fail_on"
  code=$?
fi
set_output exit-code "$code"

# Counts and the summary come from the JSON report (the versioned contract), in a run that never fails.
work="${RUNNER_TEMP:?}/buildx-doctor"
mkdir -p "$work"
report="$work/report.json"
"$bin" check "${paths[@]}" ${options[@]+"${options[@]}"} --format json --fail-on never >"$report" 2>/dev/null
count() {
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg s "$1" '.summary[$s] // 0' "$report" 2>/dev/null || echo 0
  else
    grep -o "\"summary\":{[^}]*}" "$report" | grep -o "\"$1\":[0-9]*" | cut -d: -f2 | grep . || echo 0
  fi
}
errors=$(count error)
warnings=$(count warning)
infos=$(count info)
set_output errors "$errors"
set_output warnings "$warnings"
set_output infos "$infos"

sarif="${INPUT_SARIF_FILE:-}"
if [ -z "$sarif" ] && [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then sarif="$RUNNER_TEMP/buildx-doctor.sarif"; fi
if [ -n "$sarif" ]; then
  # --fail-on never: the upload must see the findings whatever the gate decides.
  "$bin" check "${paths[@]}" ${options[@]+"${options[@]}"} --format sarif --fail-on never >"$sarif" 2>/dev/null
  echo "SARIF written to $sarif"
fi
set_output sarif-file "$sarif"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### buildx-doctor"
    echo
    echo "$errors errors, $warnings warnings, $infos info (\`--fail-on $fail_on\`: exit status $code)."
    if command -v jq >/dev/null 2>&1 && [ "$((errors + warnings + infos))" -gt 0 ]; then
      echo
      echo "| where | severity | rule | finding |"
      echo "|---|---|---|---|"
      jq -r '.diagnostics[:100][] | "| \(.path | ltrimstr("./")):\(.line) | \(.severity) | `\(.rule)` | \(.message | gsub("[|]"; "\\|") | gsub("\n"; " ")) |"' "$report"
      total=$((errors + warnings + infos))
      [ "$total" -gt 100 ] && echo && echo "The first 100 of $total findings; the log of this step has them all."
    fi
  } >>"$GITHUB_STEP_SUMMARY"
fi
exit 0
