#!/bin/bash
# Makes the logs of Tests/BuildxDoctorTests/Fixtures/cache-logs/ (see the README there) on a running testbed
# (Scripts/testbed.sh start --full; this script neither starts nor stops it): a multi-stage Dockerfile built with
# --progress=plain cold, warm and after changing an early file, per cache backend, and mode=min against mode=max.
# Each build runs on a freshly pruned docker-container builder of its own (made from bk-dc's image and removed at
# the end), as on a new CI runner. Needs Debian's busybox-static for /bin/busybox.
#
#   Scripts/cache-fixtures.sh [FOLDER]      (default: the fixtures folder)
#
# Refs carry the run's timestamp, because the testbed's registry cannot delete: CacheReportTests names them,
# so update the tests' refs after regenerating.
set -u
set -a; . /tmp/buildx-doctor-testbed/env 2>/dev/null; set +a
export DOCKER_CONFIG=$TESTBED_DOCKER_CONFIG DOCKER_HOST=$TESTBED_CLASSIC_HOST PATH=$TESTBED_PATH
B=bk-cache-gt
OUT=${1:-Tests/BuildxDoctorTests/Fixtures/cache-logs}
REG=$TESTBED_REGISTRY
mkdir -p $OUT
LOCAL=$(mktemp -d)/localcache
CTX=$(mktemp -d)/ctx
docker buildx rm $B >/dev/null 2>&1
docker buildx create --name $B --driver docker-container --driver-opt image=127.0.0.1:5000/buildkit:local --driver-opt network=host --buildkitd-flags --allow-insecure-entitlement=network.host >/dev/null || exit 1
docker buildx inspect --bootstrap $B >/dev/null || exit 1
reset_ctx() {
  rm -rf $CTX; mkdir -p $CTX
  cp /bin/busybox $CTX/busybox
  cat > $CTX/Dockerfile <<'DF'
FROM scratch AS base
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]

FROM base AS deps
COPY deps.txt /src/deps.txt
RUN sleep 2 && sha256sum /src/deps.txt > /deps.sum

FROM base AS build
COPY --from=deps /deps.sum /deps.sum
COPY app.txt /src/app.txt
RUN sleep 1 && cat /deps.sum /src/app.txt > /app.out

FROM scratch
COPY --from=build /app.out /app.out
DF
  echo "deps v1 $1" > $CTX/deps.txt
  echo "app v1 $1" > $CTX/app.txt
}
build() { # name args...
  local name=$1; shift
  docker buildx prune -af --builder $B >/dev/null 2>&1
  echo "+ docker buildx build --builder $B --progress=plain $* $CTX" > $OUT/$name.log
  docker buildx build --builder $B --progress=plain "$@" $CTX >> $OUT/$name.log 2>&1
  echo "$name exit $?" >&2
}
N=$(date +%s)
# registry
reset_ctx reg-$N
R="--cache-from type=registry,ref=$REG/cachegt/app:cache-$N --cache-to type=registry,ref=$REG/cachegt/app:cache-$N,mode=max"
build registry-cold $R
build registry-warm $R
echo "deps v2" >> $CTX/deps.txt
build registry-invalidated $R
# local
reset_ctx local-$N
rm -rf $LOCAL
L="--cache-from type=local,src=$LOCAL --cache-to type=local,dest=$LOCAL,mode=max"
build local-cold $L
build local-warm $L
echo "deps v2" >> $CTX/deps.txt
build local-invalidated $L
# inline
reset_ctx inline-$N
I="--cache-from type=registry,ref=$REG/cachegt/app:inline-$N --cache-to type=inline --output type=image,name=$REG/cachegt/app:inline-$N,push=true"
build inline-cold $I
build inline-warm $I
echo "deps v2" >> $CTX/deps.txt
build inline-invalidated $I
# mode=min vs mode=max: a warm run, then a change to a late file of the build stage
for mode in min max; do
  reset_ctx mode-$mode-$N
  M="--cache-from type=registry,ref=$REG/cachegt/app:mode-$mode-$N --cache-to type=registry,ref=$REG/cachegt/app:mode-$mode-$N,mode=$mode"
  build mode-$mode-cold $M
  build mode-$mode-warm $M
  echo "app v2" >> $CTX/app.txt
  build mode-$mode-changed $M
done
# no cache configured
reset_ctx none-$N
build no-cache
# import and export name different refs: every run is cold
reset_ctx mismatch-$N
X="--cache-from type=registry,ref=$REG/cachegt/app:cache-mismatch-$N --cache-to type=registry,ref=$REG/cachegt/app:buildcache-mismatch-$N,mode=max"
build mismatch-first $X
build mismatch-second $X
docker buildx rm $B >/dev/null 2>&1
rm -rf "$(dirname "$LOCAL")" "$(dirname "$CTX")"
