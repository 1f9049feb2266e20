#!/usr/bin/env bash
# Shows that `buildx-doctor cache` reads a build log in bounded memory: a generated 200 MB GitHub Actions
# log of many BuildKit builds (plain progress, timestamps, steps cached and run, cache imports and exports,
# megabytes of step output) is read from a file and from a pipe, and the peak resident memory of each run
# is printed and compared with the bound. Not a timing test: the time is printed for information only.
#
#   Benchmarks/cache.sh [MEGABYTES]      (default: 200)
#
# Exits 1 when a run's peak memory exceeds 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."

megabytes="${1:-200}"
work=.build-bench
mkdir -p "$work"
swift build -c release --product buildx-doctor --static-swift-stdlib --scratch-path "$work/swift" >/dev/null
tool="$work/swift/release/buildx-doctor"

log="$work/generated-cache-${megabytes}mb.log"
if [ ! -f "$log" ]; then
  python3 - "$log" "$megabytes" <<'PY'
import random, sys
path, megabytes = sys.argv[1], int(sys.argv[2])
random.seed(11)
target = megabytes * 1024 * 1024
written = 0
second = 0
def stamp():
    return f"2024-05-01T{second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}.1234567Z "
with open(path, "w") as out:
    build = 0
    while written < target:
        build += 1
        rows = ["##[group]Run docker/build-push-action@v6",
                f"/usr/bin/docker buildx build --cache-from type=gha,scope=app{build % 7} --cache-to type=gha,mode=max,scope=app{build % 7} .",
                '#0 building with "builder" instance using docker-container driver',
                "#1 importing cache manifest from gha:123456789",
                "#1 DONE 0.2s"]
        for step in range(2, 14):
            rows.append(f"#{step} [build {step - 1}/12] RUN make part-{step}")
            if random.random() < 0.6:
                rows.append(f"#{step} CACHED")
                continue
            for n in range(random.randint(200, 3000)):
                rows.append(f"#{step} {n * 0.013:.3f} compiling module_{n}.c -O2 -Wall -o build/module_{n}.o [{n}/3000]")
            rows.append(f"#{step} DONE {random.randint(1, 90)}.{random.randint(0, 9)}s")
        rows += ["#14 exporting to GitHub Actions Cache", "#14 preparing build cache for export",
                 "#14 writing layer sha256:0123456789abcdef done", "#14 DONE 3.1s"]
        for row in rows:
            second += 1
            text = stamp() + row + "\n"
            out.write(text)
            written += len(text)
PY
fi

status=0
size=$(du -m "$log" | cut -f1)
for mode in file pipe; do
  if [ "$mode" = file ]; then
    /usr/bin/time -f "%M %e" -o "$work/cache-time.txt" "$tool" cache --format json "$log" > "$work/cache-report.json"
  else
    /usr/bin/time -f "%M %e" -o "$work/cache-time.txt" sh -c "cat '$log' | '$tool' cache --format json > '$work/cache-report.json'"
  fi
  read -r kilobytes seconds < "$work/cache-time.txt"
  builds=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(len(r['builds']))" "$work/cache-report.json")
  printf '%s MB log from a %s: %s builds, peak %d MiB, %s s\n' "$size" "$mode" "$builds" $((kilobytes / 1024)) "$seconds"
  if [ $((kilobytes / 1024)) -gt 64 ]; then status=1; fi
done
echo "peak memory bound: 64 MiB"
exit $status
