#!/usr/bin/env bash
# Checks that `buildx-doctor check` takes time linear in the size of a workflow.
#
#   Benchmarks/scaling.sh [RUNS] [LIMIT]      (defaults: 5 runs per size, ratio limit 2.6)
#
# Generates workflows of one job with 1k, 2k, 4k and 8k failing builds (each exports `type=gha` cache on the
# runner's default `docker` driver, so every build is a finding), the same with every build written alike (the
# shape that makes rules comparing builds pairwise quadratic), one build whose `cache-to` block holds 5k, 10k
# and 20k lines (each line a cache entry, and a finding), one cache entry of 1k to 8k misspelt attributes, and
# one cache entry holding 2k to 16k `${{ }}` expressions, and 1k to 4k builds written on one line in flow
# style, each a finding, reported as text and as SARIF (each excerpt and fingerprint reads that line). It times the release binary as shipped (built like
# check.sh builds it) on each, keeps the fastest of RUNS runs, and prints per size the time, the time per unit
# and the ratio to the size before. Doubling the input must not more than LIMIT-fold the time (2.0 is linear;
# the margin absorbs noise): the script exits 1 when it does, and 0 otherwise. After a size that took more
# than 20 s the series stops: it has already failed, and the next size would take minutes per run.
#
# Not part of `swift test`: it needs a release build and a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: Benchmarks/scaling.sh [RUNS] [LIMIT]"
runs="${1:-5}"
limit="${2:-2.6}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]] || ! [[ "$limit" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "$usage (RUNS is a positive number, LIMIT a ratio such as 2.6)" >&2
  exit 2
fi
work=.build-bench
mkdir -p "$work/scaling"
# The binary as shipped: release mode, Swift runtime and Foundation linked in statically.
swift build -c release --product buildx-doctor --static-swift-stdlib --scratch-path "$work/swift" >/dev/null

python3 - "$work" "$runs" "$limit" <<'PY'
import os, subprocess, sys, time

work, runs, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
tool = os.path.join(work, "swift/release/buildx-doctor")
head = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"


def distinct_builds(count):
    step = (
        "      - name: Build service {i}\n"
        "        uses: docker/build-push-action@v6\n"
        "        with:\n"
        "          context: ./services/svc{i}\n"
        "          push: true\n"
        "          tags: ghcr.io/acme/svc{i}:latest\n"
        "          cache-from: type=gha,scope=svc{i}\n"
        "          cache-to: type=gha,scope=svc{i},mode=max\n"
    )
    return head + "".join(step.format(i=i) for i in range(count))


def identical_builds(count):
    step = "      - uses: docker/build-push-action@v6\n        with:\n          cache-from: type=gha\n          cache-to: type=gha,mode=max\n"
    return head + step * count


def cache_block(lines):
    entries = "".join(f"            type=registry,ref=ghcr.io/acme/app:cache{i},mode=max\n" for i in range(lines))
    return head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: |\n" + entries


def attributes(count):
    fields = "".join(f",attribute{i}=1" for i in range(count))
    return head + "      - uses: docker/setup-buildx-action@v3\n      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha" + fields + "\n"


def expressions(count):
    scope = "${{ github.ref_name }}" * count
    return head + "      - uses: docker/build-push-action@v6\n        with:\n          cache-to: type=gha,scope=" + scope + "\n"


def one_line_builds(count):
    steps = ", ".join(
        "{name: 日本語, uses: docker/build-push-action@v6, with: {cache-to: \"type=registry,ref=r.io/a:c%d\"}}" % i for i in range(count)
    )
    return "on: push\njobs: {b: {runs-on: ubuntu-latest, steps: [" + steps + "]}}\n"


def fastest(path, format="json"):
    best = None
    # One warm-up run, then the fastest of `runs`: the least disturbed by other work on the machine.
    for attempt in range(runs + 1):
        start = time.perf_counter()
        result = subprocess.run([tool, "check", "--format", format, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1):
            sys.exit(f"scaling.sh: check exited with {result.returncode} on {path}\n{result.stderr.decode()}")
        if attempt > 0:
            best = elapsed if best is None else min(best, elapsed)
    output = result.stdout
    if format == "json":
        findings = output.count(b'"rule":')
    elif format == "sarif":
        findings = output.count(b'"ruleId":')
    else:
        findings = sum(output.count(b": %s: " % severity) for severity in (b"error", b"warning", b"info"))
    return best, findings


series = [
    ("failing builds, each its own", "build", [1000, 2000, 4000, 8000], distinct_builds),
    ("failing builds, all alike", "build", [1000, 2000, 4000, 8000], identical_builds),
    ("lines of one cache-to block", "line", [5000, 10000, 20000], cache_block),
    ("misspelt attributes of one cache entry", "attr", [1000, 2000, 4000, 8000], attributes),
    ("expressions in one cache entry", "expr", [2000, 4000, 8000, 16000], expressions),
    ("builds on one line, text report", "build", [1000, 2000, 4000], one_line_builds, "text"),
    ("builds on one line, SARIF report", "build", [1000, 2000, 4000], one_line_builds, "sarif"),
]
too_slow = []
print(f"release binary, fastest of {runs} runs; a ratio above {limit} for a doubled input fails")
for title, unit, sizes, generate, *format in series:
    print(f"\n{title}")
    print(f"{'size':>7} {'KiB':>7} {'findings':>9} {'seconds':>9} {'µs/' + unit:>9} {'ratio':>6}")
    previous = None
    for size in sizes:
        if previous and previous > 20:
            # Already far from linear; the next size would take minutes per run.
            print(f"{size:>7}  (not run: the size before took {previous:.0f} s)")
            continue
        path = os.path.join(work, "scaling", f"{generate.__name__}-{size}.yml")
        with open(path, "w") as file:
            file.write(generate(size))
        seconds, findings = fastest(path, *format)
        ratio = seconds / previous if previous else None
        shown = f"{ratio:>6.2f}" if ratio else f"{'':>6}"
        print(f"{size:>7} {os.path.getsize(path) / 1024:>7.0f} {findings:>9} {seconds:>9.3f} {seconds / size * 1e6:>9.1f} {shown}")
        if ratio and ratio > limit:
            too_slow.append(f"{title}: {size // 2} → {size} took {ratio:.2f}x the time")
        previous = seconds
if too_slow:
    print("\nnot linear:\n  " + "\n  ".join(too_slow))
    sys.exit(1)
print("\nlinear: no doubling took more than", limit, "times the time")
PY
