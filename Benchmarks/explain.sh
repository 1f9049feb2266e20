#!/usr/bin/env bash
# Times `buildx-doctor explain` on a generated GitHub Actions log against `grep -F -i -f` with the same
# literal fragments, in one run, and prints the ratio and explain's peak memory.
#
#   Benchmarks/explain.sh [MEGABYTES] [RUNS]      (defaults: 200, 5)
#
# The log is mostly ordinary build output with timestamps and colour codes, with a handful of real
# errors spread through it, so both tools must read every byte.
set -euo pipefail
cd "$(dirname "$0")/.."

megabytes="${1:-200}"
runs="${2:-5}"
work=.build-bench
mkdir -p "$work"
swift build -c release --product buildx-doctor --static-swift-stdlib --scratch-path "$work/swift" >/dev/null
tool="$work/swift/release/buildx-doctor"
"$tool" explain --print-fragments > "$work/fragments.txt"

log="$work/generated-${megabytes}mb.log"
if [ ! -f "$log" ]; then
  python3 - "$log" "$megabytes" <<'PY'
import random, sys
path, megabytes = sys.argv[1], int(sys.argv[2])
random.seed(7)
noise = [
    "#12 0.{n} npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory",
    "#14 {n}.2 Compiling serde v1.0.{n}",
    "\x1b[36m#8 sha256:{n}abcdef 12.58MB / 45.1MB {n}.3s\x1b[0m",
    "#9 [build 3/7] RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates",
    "  Downloading https://files.pythonhosted.org/packages/{n}/requests-2.31.0-py3-none-any.whl (62 kB)",
]
errors = [
    "ERROR: failed to build: Cache export is not supported for the docker driver.",
    "#21 ERROR: unexpected status: 403 Forbidden",
    "WARNING: local cache import at /tmp/.buildx-cache not found due to err: could not read /tmp/.buildx-cache/index.json",
]
target = megabytes * 1024 * 1024
written = 0
with open(path, "w") as out:
    line = 0
    while written < target:
        line += 1
        text = random.choice(noise).format(n=line % 997)
        if line % 400000 == 0:
            text = errors[(line // 400000) % len(errors)]
        row = f"2024-05-01T12:{line // 60 % 60:02d}:{line % 60:02d}.1234567Z {text}\n"
        out.write(row)
        written += len(row)
PY
fi

PYTHONPATH=Benchmarks python3 - "$tool" "$log" "$work/fragments.txt" "$runs" <<'PY'
import os, sys
from alternate import measure, median

tool, log, fragments, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
size = os.path.getsize(log) / (1024 * 1024)
commands = {
    "buildx-doctor explain": [tool, "explain", "--format", "json", log],
    "grep -F -i -f": ["grep", "-F", "-i", "-c", "-f", fragments, log],
}
samples, memory = measure(commands, runs)
print(f"{size:.0f} MB log, {runs} alternating runs each")
print(f"{'tool':<22} {'median s':>9} {'min s':>8} {'MB/s':>8} {'peak MiB':>9}")
for name in commands:
    print(f"{name:<22} {median(samples[name]):>9.3f} {min(samples[name]):>8.3f} {size / median(samples[name]):>8.0f} {memory[name]:>9.1f}")
ratio = median(samples["grep -F -i -f"]) / median(samples["buildx-doctor explain"])
print(f"explain runs at {ratio:.2f}x the speed of grep -F -i -f (target: at least 0.5x); peak memory target: under 64 MiB")
PY
