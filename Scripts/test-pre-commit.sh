#!/usr/bin/env bash
# Runs the hooks of .pre-commit-hooks.yaml with `pre-commit try-repo`, and with `pre-commit run` as a user's
# repository would, on sample repositories made from Examples/. The hook repository is a clone of this
# repository's HEAD, so commit first: uncommitted changes are not tested.
#
#   Scripts/test-pre-commit.sh
#
# Needs git, swift and python3; pre-commit is installed from PyPI into .build-venv/ when missing. pre-commit
# builds the package with `swift build -c release` twice (try-repo in a throwaway store, then once in a temporary
# PRE_COMMIT_HOME): about 7 minutes on 2 cores. Prints every pre-commit command with the hook's output, one line per check and
# "N passed, M failed"; exits 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in git swift python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-pre-commit.sh: needs $tool" >&2; exit 2; }
done
# pre-commit: the one python3 has, or one installed from PyPI into .build-venv/ (git-ignored); pip may not install
# into a system Python (PEP 668).
python=python3
if ! python3 -m pre_commit --version >/dev/null 2>&1; then
  [ -x .build-venv/bin/python ] || python3 -m venv .build-venv
  .build-venv/bin/python -m pre_commit --version >/dev/null 2>&1 || .build-venv/bin/python -m pip install --quiet pre-commit
  python=$root/.build-venv/bin/python
fi
echo "using $("$python" -m pre_commit --version)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
# The samples are committed with a fixed identity, whatever git's configuration on this machine.
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid \
  GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
passed=0
failed=0

git clone --quiet "$root" "$work/hook-repo"
rev=$(git -C "$work/hook-repo" rev-parse HEAD)
echo "hook repository: a clone of $root at $rev"

# sample NAME SOURCE-FOLDER: a git repository with SOURCE's files and a .pre-commit-config.yaml that uses both
# hooks from the clone, committed.
sample() {
  mkdir -p "$work/$1"
  [ -n "$2" ] && cp -R "$2/." "$work/$1/"
  echo "sample" >"$work/$1/README.md"
  cat >"$work/$1/.pre-commit-config.yaml" <<CONFIG
repos:
  - repo: $work/hook-repo
    rev: $rev
    hooks:
      - id: buildx-doctor
      - id: buildx-doctor-fix
CONFIG
  git -C "$work/$1" init --quiet
  git -C "$work/$1" add -A
  git -C "$work/$1" commit --quiet -m "sample"
}
sample failing Examples/failing
sample fixed Examples/fixed
sample none ""

# pre_commit NAME ARGUMENT…: pre-commit in sample NAME; prints the command and the hook's output, sets $status
# and $output.
pre_commit() {
  local name=$1
  shift
  echo "\$ (cd $name && pre-commit $*)" | sed "s|$work/hook-repo|<clone>|g"
  set +e
  output=$(cd "$work/$name" && "$python" -m pre_commit "$@" --color never 2>&1)
  status=$?
  set -e
  # try-repo first prints the configuration it generated, up to a line of '='.
  if grep -q '^=\{10,\}$' <<<"$output"; then
    sed '1,/^=\{10,\}$/d' <<<"$output"
  else
    printf '%s\n' "$output"
  fi | sed 's/^/    /'
}
expect() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
    echo "ok: $1"
  else
    failed=$((failed + 1))
    printf 'FAIL: %s\n  got:      %s\n  expected: %s\n' "$1" "$2" "$3"
  fi
}
has() { if grep -qF -- "$1" <<<"$output"; then echo yes; else echo "no: $1"; fi; }

# try-repo is how a hook author tries hooks before tagging; it builds in a throwaway store each time, so it runs
# once. The other cases run the hooks the way a user's repository does (.pre-commit-config.yaml), which builds
# once in PRE_COMMIT_HOME.
echo "== try-repo: the check hook on the seed failure"
pre_commit failing try-repo "$work/hook-repo" buildx-doctor --ref "$rev" --all-files
expect "fails" "$status" 1
expect "reports Failed" "$(grep -c '^buildx-doctor check\.*Failed$' <<<"$output")" 1
expect "names the finding" \
  "$(has '.github/workflows/build.yml:50:13: error: this `type=registry` cache export will fail')" yes
expect "says the hook's exit status" "$(has '- exit code: 1')" yes

echo "== run: the check hook on the seed failure"
pre_commit failing run buildx-doctor --all-files
expect "fails" "$status" 1
expect "both findings" "$(grep -c 'error: this `type=[a-z]*` cache export will fail' <<<"$output")" 2

echo "== run: the check hook on the fixed workflow"
pre_commit fixed run buildx-doctor --all-files
expect "passes" "$status" 0
expect "reports Passed" "$(grep -c '^buildx-doctor check\.*Passed$' <<<"$output")" 1

echo "== run: the check hook where no file matches"
pre_commit none run buildx-doctor --all-files
expect "passes" "$status" 0
expect "skipped" "$(grep -c '(no files to check)Skipped$' <<<"$output")" 1

echo "== run: the fix hook on the seed failure, then the check hook on the staged fix"
pre_commit failing run buildx-doctor-fix --all-files
expect "fails: it changed a file" "$status" 1
expect "reports the change" "$(has '- files were modified by this hook')" yes
expect "the build job now sets up buildx" \
  "$(grep -c 'uses: docker/setup-buildx-action@' "$work/failing/.github/workflows/build.yml")" 2
git -C "$work/failing" add -A
pre_commit failing run --all-files
expect "both hooks pass after the fix" "$status:$(grep -c 'Passed$' <<<"$output")" "0:2"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
