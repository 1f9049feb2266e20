#!/usr/bin/env bash
# Regenerates docs/ground-truth.md: starts the testbed if needed, runs the ground-truth tests with the
# observed matrix recorded, and writes the table with the buildx and engine versions it was seen with.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BUILDX_DOCTOR_TESTBED:-/tmp/buildx-doctor-testbed}
[ -f "$WORK/env" ] || Scripts/testbed.sh start --full
rows=$(mktemp)
BUILDX_DOCTOR_GROUND_TRUTH_REPORT=$rows swift test --filter GroundTruthTests >/dev/null 2>&1
buildx=$(grep TESTBED_BUILDX_VERSION "$WORK/env" | cut -d= -f2-)
engine=$(grep TESTBED_ENGINE_VERSION "$WORK/env" | cut -d= -f2-)
{
  echo "# Ground truth: the driver × cache backend matrix as observed"
  echo
  echo "Every cell is a real \`docker buildx build\` of a \`FROM scratch\` context on a builder started by"
  echo "\`Scripts/testbed.sh start --full\` (Debian's packages only, loopback only): the \`docker\` driver of a Docker Engine"
  echo "with each image store, a \`remote\` builder on a buildkitd built from Debian's BuildKit sources, and a"
  echo "\`docker-container\` builder running that buildkitd in a locally made image. Each is compared by"
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
  echo "Also checked on every builder (\`driverFeaturesMatchTheModel\`): two platforms, \`type=oci\` and"
  echo "\`type=docker,dest=…\` outputs and provenance attestations are refused on the classic store only. Loading two"
  echo "platforms works into the containerd store and fails into the classic engine, from its own driver as from the"
  echo "\`docker-container\` builder (\`docker exporter does not currently support exporting manifest lists\`, checked before the"
  echo "driver's multi-platform feature), as \`load-multi-platform\` says. The seed"
  echo "workflow's two cache exports fail on the classic store exactly where \`check\` reports them; after \`fix\`"
  echo "(a setup-buildx-action step) they are both exported on the \`docker-container\` builder, and also with the"
  echo "containerd store. Every refusal text seen is recognised by \`explain\` with the right signature."
  echo
  echo "The testbed's buildkitd has no gha backend (its client library is not packaged in Debian): its gha cells"
  echo "show the driver accepting the entry, which is what the model predicts; the gha service itself is not tested."
} > docs/ground-truth.md
rm -f "$rows"
echo "wrote docs/ground-truth.md"
