#!/usr/bin/env bash
# Step "build" (skipped when actions/cache restored the binary): builds buildx-doctor with the runner's Swift
# in release mode and puts the binary into the cached folder. On Linux the Swift runtime and Foundation are
# linked in (--static-swift-stdlib), so the cached binary does not depend on where the toolchain is installed;
# macOS runners get them from the OS.
# BUILDX_DOCTOR_BUILD_PATH may name a build folder to keep between runs (Scripts/test-action.sh does);
# the default is under RUNNER_TEMP, which the runner empties after the job.
set -euo pipefail
# shellcheck source=Scripts/action/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
root=$(action_root)
bin_dir=$(binary_dir)
build_path="${BUILDX_DOCTOR_BUILD_PATH:-$RUNNER_TEMP/buildx-doctor/build}"

flags=(-c release --product buildx-doctor --package-path "$root" --build-path "$build_path")
static=()
[ "$(uname -s)" = Linux ] && static=(--static-swift-stdlib)

echo "::group::swift build ${flags[*]} ${static[*]}"
if ! swift build "${flags[@]}" ${static[@]+"${static[@]}"}; then
  echo "::endgroup::"
  annotate_error "swift build failed with $(swift --version 2>/dev/null | head -n1); the log of this step says why"
  exit 1
fi
echo "::endgroup::"
mkdir -p "$bin_dir"
cp "$(swift build "${flags[@]}" --show-bin-path)/buildx-doctor" "$bin_dir/buildx-doctor"
"$bin_dir/buildx-doctor" --version
