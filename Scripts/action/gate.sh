#!/usr/bin/env bash
# Step "gate": fails the job with the check's exit status (1 findings at or above fail-on, 2 usage error or an
# input that could not be read), after the SARIF upload had its chance to run.
# Environment: EXIT_CODE, FAIL_ON (the input, for the message).
set -euo pipefail
# shellcheck source=Scripts/action/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
code="${EXIT_CODE:-}"
case "$code" in
  0) exit 0 ;;
  1) annotate_error "buildx-doctor found problems at or above --fail-on ${FAIL_ON:-warning} (the check step lists them)" ;;
  2) annotate_error "buildx-doctor could not check everything: a usage error or an unreadable file (the check step says which)" ;;
  *) annotate_error "buildx-doctor check did not report an exit status ('$code'): the check step failed"; code=1 ;;
esac
exit "$code"
