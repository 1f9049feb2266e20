#!/usr/bin/env bash
# Regenerates docs/ground-truth.md: starts the testbed if needed, runs the ground-truth tests with the
# observed matrix recorded, and writes the table with the buildx and engine versions it was seen with.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BUILDX_DOCTOR_TESTBED:-/tmp/buildx-doctor-testbed}
[ -f "$WORK/env" ] || Scripts/testbed.sh start
rows=$(mktemp)
BUILDX_DOCTOR_GROUND_TRUTH_REPORT=$rows swift test --filter GroundTruthTests >/dev/null 2>&1
buildx=$(grep TESTBED_BUILDX_VERSION "$WORK/env" | cut -d= -f2-)
engine=$(grep TESTBED_ENGINE_VERSION "$WORK/env" | cut -d= -f2-)
{
  echo "# Ground truth: the driver × cache backend matrix as observed"
  echo
  echo "Every cell is a real \`docker buildx build\` of a \`FROM scratch\` context on the \`docker\` driver of a"
  echo "Docker Engine started by \`Scripts/testbed.sh\` (Debian's packages, loopback only), compared by"
  echo "\`Tests/BuildxDoctorTests/GroundTruthTests.swift\` with what \`BuildxModel\` predicts; a disagreement fails the"
  echo "test. Endpoints that would need a network (gha, s3, azblob) point at 127.0.0.1:9, so \"accepted\" means the"
  echo "driver took the entry and the build then failed only talking to the missing service."
  echo
  echo "Observed with: buildx \`$buildx\`, Docker Engine \`$engine\`."
  echo "Regenerate with: \`Scripts/ground-truth.sh\`."
  echo
  echo "| builder | backend | direction | observed | exit |"
  echo "|---|---|---|---|---|"
  sort "$rows"
  echo
  echo "Also checked on both engines (\`driverFeaturesMatchTheModel\`): two platforms, \`type=oci\` and"
  echo "\`type=docker,dest=…\` outputs and provenance attestations are refused on the classic store and accepted"
  echo "with the containerd store; and the seed workflow's two cache exports fail on the classic store exactly where"
  echo "\`check\` reports them, and are both exported with the containerd store."
  echo
  echo "Not covered yet: the \`docker-container\` and \`remote\` drivers, which need a buildkitd built from Debian's"
  echo "Go sources (\`Scripts/testbed.sh start --full\`, appendix B of ../shared/reference/local-buildkit.md)."
} > docs/ground-truth.md
rm -f "$rows"
echo "wrote docs/ground-truth.md"
