#!/usr/bin/env bash
# Runs the composite action (action.yml) against sample repositories made from Examples/, with
# Scripts/action-runner.py standing in for the GitHub runner: every `run:` step really runs (the release build with
# the local Swift, the checks, the gate), actions/cache/restore|save are simulated with a folder, and the SARIF
# upload (github/codeql-action/upload-sarif, which needs GitHub) is replaced by a check of the file it would send.
#
#   Scripts/test-action.sh
#
# Needs swift, python3 (PyYAML is installed from PyPI into .build-venv/ when missing) and jq. The release build
# goes to .build-action-test/ (git-ignored) and is incremental after the first run (about 3 minutes on 2 cores).
# Prints one line per check and "N passed, M failed"; exits 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in swift python3 jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-action.sh: needs $tool" >&2; exit 2; }
done
# python3 with PyYAML: the system's, or a virtual environment in .build-venv/ (git-ignored) when it has none;
# pip may not install into a system Python (PEP 668).
python=python3
if ! python3 -c 'import yaml' 2>/dev/null; then
  [ -x .build-venv/bin/python ] || python3 -m venv .build-venv
  .build-venv/bin/python -c 'import yaml' 2>/dev/null || .build-venv/bin/python -m pip install --quiet pyyaml
  python=.build-venv/bin/python
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export BUILDX_DOCTOR_BUILD_PATH="$root/.build-action-test"
cache="$work/cache"
temp="$work/runner-temp"
passed=0
failed=0

# A repository with the seed failure, one without findings, and one with a second copy in a folder whose name
# has a space.
mkdir -p "$work/failing" "$work/fixed" "$work/spaces/sub dir"
cp -R Examples/failing/. "$work/failing/"
cp -R Examples/fixed/. "$work/fixed/"
cp -R Examples/failing/. "$work/spaces/"
cp -R Examples/failing/. "$work/spaces/sub dir/"

# run_action WORKSPACE [--input NAME=VALUE]…: one job on a fresh runner (RUNNER_TEMP emptied, the cache kept).
run_action() {
  rm -rf "$temp"
  set +e
  result=$("$python" Scripts/action-runner.py --workspace "$1" --runner-temp "$temp" --cache "$cache" "${@:2}" \
    2>"$work/log")
  status=$?
  set -e
  if [ "$status" -gt 1 ]; then
    echo "action-runner.py failed ($status):" >&2
    cat "$work/log" >&2
    exit 1
  fi
}
field() { jq -r "$1" <<<"$result"; }
expect() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
    echo "ok: $1"
  else
    failed=$((failed + 1))
    printf 'FAIL: %s\n  got:      %s\n  expected: %s\n' "$1" "$2" "$3"
  fi
}
expect_log() {
  if grep -qF -- "$2" "$work/log"; then expect "$1" found found; else expect "$1" "not in the log" "$2"; fi
}
expect_no_log() {
  if grep -qF -- "$2" "$work/log"; then expect "$1" "in the log" "not $2"; else expect "$1" absent absent; fi
}
steps() { field '[.steps[] | .outcome] | join(", ")'; }

echo "== job 1: the seed failure with the defaults (cache empty: builds)"
run_action "$work/failing"
expect "job fails at the gate" "$status" 1
expect "steps" "$(steps)" \
  "success, success (simulated), success, success (simulated), success, skipped, failure (1)"
expect "cache restore missed, then saved before the gate" "$(field '[.cache[] | keys_unsorted[0]] | join(",")')" "restore,save"
expect "exit-code output" "$(field '.outputs."exit-code"')" 1
expect "errors, warnings, infos" "$(field '[.outputs.errors, .outputs.warnings, .outputs.infos] | join(" ")')" "2 0 0"
expect "no SARIF unless asked" "$(field '.outputs."sarif-file"')" ""
expect "binary output" "$(field .outputs.binary)" "$temp/buildx-doctor/bin/buildx-doctor"
expect "binary folder added to PATH" "$(field '.path | join(",")')" "$temp/buildx-doctor/bin"
expect_log "annotation with a repository-relative path" \
  "::error file=.github/workflows/build.yml,line=50,col=13,endLine=50,endColumn=65,title=cache-export-unsupported-by-driver::"
expect_no_log "no './' in annotations" "file=./"
expect_no_log "no --config when the input is empty" "--config"
expect_log "the gate names the threshold" "::error title=buildx-doctor action::buildx-doctor found problems at or above --fail-on warning"
expect "step summary counts" "$(field .summary | sed -n 3p)" "2 errors, 0 warnings, 0 info (\`--fail-on warning\`: exit status 1)."
expect "step summary table row" "$(field .summary | grep -c '^| .github/workflows/build.yml:5[01] | error | `cache-export-unsupported-by-driver` |')" 2
key=$(field '.cache[0].restore')

echo "== job 2: SARIF upload with --fail-on never (cache hit: no build)"
run_action "$work/failing" --input upload-sarif=true --input fail-on=never
expect "job succeeds" "$status" 0
expect "steps" "$(steps)" \
  "success, success (simulated), skipped, skipped, success, not run here (SARIF checked), success"
expect "same cache key" "$(field '.cache[0].restore')" "$key"
expect "cache hit" "$(field '.cache[0].hit')" true
expect "exit-code output" "$(field '.outputs."exit-code"')" 0
expect "SARIF written to RUNNER_TEMP" "$(field '.outputs."sarif-file"')" "$temp/buildx-doctor.sarif"
expect "upload would send both findings" "$(field '.uploads[0] | "\(.results) \(.category)"')" "2 buildx-doctor"
sarif_uris=$(jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique | join(",")' "$temp/buildx-doctor.sarif")
expect "SARIF locations are repository-relative" "$sarif_uris" ".github/workflows/build.yml"

echo "== job 3: a repository without findings"
run_action "$work/fixed"
expect "job succeeds" "$status" 0
expect "exit-code, errors" "$(field '[.outputs."exit-code", .outputs.errors] | join(" ")')" "0 0"
expect "step summary" "$(field .summary | sed -n 3p)" "0 errors, 0 warnings, 0 info (\`--fail-on warning\`: exit status 0)."

echo "== job 4: paths one per line, with a space in a folder name and blank lines"
run_action "$work/spaces" --input 'paths=.github/workflows/build.yml\n\n  sub dir  \n' --input fail-on=error --input format=text
expect "job fails" "$status" 1
expect "errors from both folders" "$(field .outputs.errors)" 4
expect_log "text format in the log" "sub dir/.github/workflows/build.yml:50:13: error:"

echo "== job 5: json format, and a sarif-file without upload"
run_action "$work/failing" --input format=json --input fail-on=never --input sarif-file=out.sarif
expect "job succeeds" "$status" 0
expect_log "JSON report in the log" '"summary":{"error":2,"warning":0,"info":0}'
expect "SARIF written where asked, in the workspace" "$(field '.outputs."sarif-file"'):$(test -s "$work/failing/out.sarif" && echo exists)" "out.sarif:exists"
expect "no upload" "$(field '.uploads | length')" 0
rm -f "$work/failing/out.sarif"

echo "== job 6: a usage error fails with 2"
run_action "$work/failing" --input format=yaml
expect "job fails with 2" "$status:$(field '.outputs."exit-code"')" "1:2"
expect "gate step exit status" "$(field '.steps[-1].outcome')" "failure (2)"
expect_log "the gate says why" "a usage error or an unreadable file"

echo "== job 7: config is passed as --config FILE"
run_action "$work/failing" --input config=buildx-doctor.yml --input fail-on=never
expect_log "command line has --config" "buildx-doctor check . --config buildx-doctor.yml --format github --fail-on never"
if "$temp/buildx-doctor/bin/buildx-doctor" check --help | grep -q -- '--config'; then
  # The file does not exist: the tool must say it cannot read it.
  expect "missing config is an input error" "$(field '.outputs."exit-code"')" 2
else
  expect_log "this build has no --config option yet (the tool rejects it)" "Unknown option '--config'"
fi

echo "== the cache key follows the sources and the toolchain inputs"
copy="$work/action-copy"
mkdir -p "$copy/Scripts"
cp -R Package.swift Sources "$copy/"
[ -f Package.resolved ] && cp Package.resolved "$copy/"
cp -R Scripts/action "$copy/Scripts/"
key_of() {
  : >"$work/out"
  GITHUB_ACTION_PATH="$1" GITHUB_OUTPUT="$work/out" RUNNER_TEMP="$temp" RUNNER_OS=Linux \
    RUNNER_ARCH="$(cut -d- -f4 <<<"$key")" bash "$1/Scripts/action/key.sh" >/dev/null
  sed -n 's/^key=//p' "$work/out"
}
expect "a copy of the sources has the same key" "$(key_of "$copy")" "$key"
echo "// changed" >>"$copy/Sources/buildx-doctor/BuildxDoctorCommand.swift"
changed=$(key_of "$copy")
expect "a changed source file changes the key" "$([ "$changed" != "$key" ] && echo changed)" changed
expect "the key names OS, architecture and Swift version" \
  "$(sed -E 's/-[0-9a-f]{16}$/-HASH/' <<<"$key")" \
  "buildx-doctor-Linux-$(cut -d- -f4 <<<"$key")-swift-$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -1)-HASH"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
