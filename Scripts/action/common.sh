# shellcheck shell=bash
# Shared by the action's step scripts (sourced, not run). Each step of action.yml runs one script from this folder
# with bash, with the GitHub Actions variables the runner sets: GITHUB_ACTION_PATH (this repository's checkout),
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, GITHUB_WORKSPACE, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH.
# Scripts/test-action.sh runs them the same way outside GitHub.
# The scripts expand arrays that may be empty as ${a[@]+"${a[@]}"}: bash 3.2 (macOS) calls "${a[@]}" of an
# empty array unset under set -u.

# The folder that holds the action's Package.swift.
action_root() {
  local root="${GITHUB_ACTION_PATH:-}"
  [ -n "$root" ] || root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  printf '%s\n' "$root"
}

# Where the built binary lives: restored there by actions/cache, or put there by build.sh.
binary_dir() {
  printf '%s\n' "${RUNNER_TEMP:?RUNNER_TEMP is not set: run this from a GitHub Actions step or Scripts/test-action.sh}/buildx-doctor/bin"
}

# `sha256sum` on Linux, `shasum -a 256` on macOS runners; reads the files named as arguments.
sha256_of_files() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# Appends NAME=VALUE to the step's outputs (single-line values only, which is all the action writes).
set_output() {
  printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# A workflow command that shows as an error annotation (docs.github.com, "Workflow commands for GitHub Actions").
annotate_error() {
  printf '::error title=buildx-doctor action::%s\n' "$1"
}
