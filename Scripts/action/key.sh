#!/usr/bin/env bash
# Step "key": the cache key for the built binary and where the binary goes.
# The key changes whenever anything the binary is built from changes: the runner's OS and architecture, the
# Swift compiler (`swift --version`), Package.swift (and Package.resolved when there is one), every file under
# Sources/, and the build script with its flags.
# Outputs: key, bin-dir.
set -euo pipefail
# shellcheck source=Scripts/action/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
root=$(action_root)
cd "$root"

if ! command -v swift >/dev/null 2>&1; then
  annotate_error "no swift on PATH: GitHub's Ubuntu and macOS runners have one; elsewhere install a Swift 6 toolchain before this action"
  exit 1
fi
swift_line=$(swift --version 2>/dev/null | grep -m1 -i 'swift version' || true)
swift_version=$(printf '%s\n' "$swift_line" | sed -n 's/.*[Ss]wift version \([0-9][0-9.]*\).*/\1/p')
[ -n "$swift_version" ] || swift_version=unknown

files=(Package.swift Scripts/action/build.sh)
[ -f Package.resolved ] && files+=(Package.resolved)
while IFS= read -r -d '' file; do files+=("$file"); done < <(find Sources -type f -print0 | LC_ALL=C sort -z)
# The full version line is hashed too: two toolchains can share a number (a snapshot, another vendor's build).
digest=$({ printf '%s\n' "$swift_line"; sha256_of_files "${files[@]}"; } | sha256_of_files - | cut -c1-16)

key="buildx-doctor-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-swift-$swift_version-$digest"
set_output key "$key"
set_output bin-dir "$(binary_dir)"
echo "cache key: $key"
