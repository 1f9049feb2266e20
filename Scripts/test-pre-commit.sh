#!/usr/bin/env bash
# Runs the hooks of .pre-commit-hooks.yaml with `pre-commit try-repo`, as a user of the hook would, on sample
# repositories made from Examples/. The hook repository is a clone of this repository's HEAD, so commit first:
# uncommitted changes are not tested.
#
#   Scripts/test-pre-commit.sh
#
# Needs git, swift and python3; pre-commit is installed from PyPI when missing. pre-commit builds the package
# with `swift build -c release` in its own cache (a temporary PRE_COMMIT_HOME, about 4 minutes on 2 cores).
# Prints every try-repo command with its output, one line per check and "N passed, M failed"; exits 1 when a
# check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in git swift python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-pre-commit.sh: needs $tool" >&2; exit 2; }
done
python3 -m pre_commit --version >/dev/null 2>&1 || python3 -m pip install --quiet pre-commit
echo "using $(python3 -m pre_commit --version)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
# No user or system configuration of git or pre-commit may change what is tested.
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid \
  GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
passed=0
failed=0

git clone --quiet "$root" "$work/hook-repo"
rev=$(git -C "$work/hook-repo" rev-parse HEAD)
echo "hook repository: a clone of $root at $rev"

# sample NAME SOURCE-FOLDER: a git repository with SOURCE's files committed, plus a README.
sample() {
  mkdir -p "$work/$1"
  [ -n "$2" ] && cp -R "$2/." "$work/$1/"
  echo "sample" >"$work/$1/README.md"
  git -C "$work/$1" init --quiet
  git -C "$work/$1" add -A
  git -C "$work/$1" commit --quiet -m "sample"
}
sample failing Examples/failing
sample fixed Examples/fixed
sample none ""

# try NAME HOOK: pre-commit try-repo in sample NAME; sets $status and $output.
try() {
  local command=(python3 -m pre_commit try-repo "$work/hook-repo" "$2" --ref "$rev" --all-files --color never)
  echo "\$ (cd $1 && pre-commit try-repo <clone> $2 --ref $rev --all-files --color never)"
  set +e
  output=$(cd "$work/$1" && "${command[@]}" 2>&1)
  status=$?
  set -e
  # try-repo first prints the configuration it generated; the hook's run follows the last separator line.
  sed -n '/^=\{10,\}$/,$p' <<<"$output" | sed '1,/^=\{10,\}$/d' | sed 's/^/    /'
}
expect() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1))
    echo "ok: $1"
  else
    failed=$((failed + 1))
    printf 'FAIL: %s\n  got:      %s\n  expected: %s\n' "$1" "$2" "$3"
    printf '%s\n' "$output" | sed 's/^/    | /'
  fi
}
has() { if grep -qF -- "$1" <<<"$output"; then echo yes; else echo "no: $1"; fi; }

echo "== check hook on the seed failure"
try failing buildx-doctor
expect "fails" "$status" 1
expect "reports Failed" "$(has 'buildx-doctor check......')$(grep -c 'Failed$' <<<"$output")" "yes1"
expect "names the finding" \
  "$(has '.github/workflows/build.yml:50:13: error: this `type=registry` cache export will fail')" yes
expect "says the hook's exit status" "$(has '- exit code: 1')" yes

echo "== check hook on the fixed workflow"
try fixed buildx-doctor
expect "passes" "$status" 0
expect "reports Passed" "$(grep -c '^buildx-doctor check\.*Passed$' <<<"$output")" 1

echo "== check hook where no file matches"
try none buildx-doctor
expect "passes" "$status" 0
expect "skipped" "$(grep -c '(no files to check)Skipped$' <<<"$output")" 1

echo "== fix hook on the seed failure, then the check hook"
try failing buildx-doctor-fix
expect "fails: it changed a file" "$status" 1
expect "reports the change" "$(has '- files were modified by this hook')" yes
expect "the workflow now sets up buildx in the build job" \
  "$(grep -c 'uses: docker/setup-buildx-action@' "$work/failing/.github/workflows/build.yml")" 2
try failing buildx-doctor
expect "check passes after the fix" "$status" 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
