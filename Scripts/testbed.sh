#!/usr/bin/env bash
# A real Docker Engine, buildx and registry on loopback, from Debian's archive only, for the ground-truth
# tests (Tests/BuildxDoctorTests/GroundTruthTests.swift). Recipe A of ../shared/reference/local-buildkit.md.
#
#   Scripts/testbed.sh start [--full] | stop | status
#
# start   installs runc, docker-registry and curl from the machine's suite; downloads sid's docker.io,
#         docker-cli, containerd and docker-buildx .debs into a private apt view (nothing from sid is
#         installed, /etc/apt and the dpkg database are untouched) and unpacks them under the work folder;
#         starts a registry on 127.0.0.1:5000 and two dockerd: one with the classic image store, one with
#         the containerd image store, each on its own socket, without networking (bridge none, no iptables).
#         Writes $WORK/env for the tests. Everything it starts is recorded by PID.
# stop    ends exactly what start began.
# status  says whether each service answers.
# --full  (the remote and docker-container drivers) needs buildkitd built from Debian's Go sources
#         (appendix B of the reference, about 3 minutes and 3 GB); not automated yet: run appendix B by hand.
set -euo pipefail
WORK=${BUILDX_DOCTOR_TESTBED:-/tmp/buildx-doctor-testbed}
RUN=$WORK/run

fail() { echo "TESTBED UNAVAILABLE: $*"; exit 3; }

ready() { DOCKER_HOST=unix://$RUN/$1.sock "$WORK/root/usr/bin/docker" info >/dev/null 2>&1; }

start() {
  if [ "${1:-}" = "--full" ]; then
    fail "--full (remote and docker-container drivers) is not automated yet; run appendix B of local-buildkit.md by hand"
  fi
  mkdir -p "$WORK/apt/lists/partial" "$WORK/debs" "$WORK/root" "$RUN" "$WORK/reg"
  cd "$WORK"
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v docker-registry >/dev/null || ! command -v runc >/dev/null || ! command -v curl >/dev/null; then
    apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends runc docker-registry curl >/dev/null 2>&1 \
      || fail "cannot install runc, docker-registry and curl from the machine's suite"
  fi
  if [ ! -x root/usr/bin/dockerd ] || [ ! -x root/usr/libexec/docker/cli-plugins/docker-buildx ]; then
    local mirror
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null) || true
    [ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list.d/debian.sources"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" > apt/sources.list
    : > apt/status
    local sid=(-o Dir::Etc::SourceList="$WORK/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o Dir::State::Lists="$WORK/apt/lists" -o Dir::State::status="$WORK/apt/status"
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
    apt-get "${sid[@]}" update -qq >/dev/null 2>&1 || fail "cannot read sid's package lists"
    (cd debs && apt-get "${sid[@]}" download -qq docker.io docker-cli containerd docker-buildx >/dev/null 2>&1) \
      || fail "cannot download docker.io, docker-cli, containerd and docker-buildx from sid"
    for deb in debs/*.deb; do dpkg-deb -x "$deb" root; done
  fi
  export DOCKER_CONFIG=$WORK/docker-config
  install -D -m755 root/usr/libexec/docker/cli-plugins/docker-buildx "$DOCKER_CONFIG/cli-plugins/docker-buildx"
  export PATH="$WORK/root/usr/bin:$WORK/root/usr/sbin:/usr/sbin:$PATH"

  printf 'version: 0.1\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:5000}\n' "$WORK/reg/data" > reg/config.yml
  docker-registry serve reg/config.yml > reg/log 2>&1 &
  echo $! > "$RUN/registry.pid"
  for store in classic containerd; do
    local snapshotter=false
    [ "$store" = containerd ] && snapshotter=true
    printf '{"features":{"containerd-snapshotter":%s},"iptables":false,"ip6tables":false,"bridge":"none","data-root":"%s","exec-root":"%s","pidfile":"%s","hosts":["unix://%s"]}\n' \
      "$snapshotter" "$WORK/data-$store" "$RUN/x-$store" "$RUN/$store.dpid" "$RUN/$store.sock" > "$RUN/$store.json"
    dockerd --config-file "$RUN/$store.json" > "$RUN/$store.log" 2>&1 &
    echo $! > "$RUN/$store.pid"
  done
  for _ in $(seq 60); do
    ready classic && ready containerd && curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break
    sleep 1
  done
  ready classic || fail "dockerd (classic image store) did not start: $(tail -1 "$RUN/classic.log")"
  ready containerd || fail "dockerd (containerd image store) did not start: $(tail -1 "$RUN/containerd.log")"
  curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 || fail "the registry did not start: $(tail -1 reg/log)"
  cat > "$WORK/env" <<ENV
TESTBED_DOCKER=$WORK/root/usr/bin/docker
TESTBED_DOCKER_CONFIG=$DOCKER_CONFIG
TESTBED_PATH=$PATH
TESTBED_CLASSIC_HOST=unix://$RUN/classic.sock
TESTBED_CONTAINERD_HOST=unix://$RUN/containerd.sock
TESTBED_REGISTRY=127.0.0.1:5000
TESTBED_BUILDX_VERSION=$("$DOCKER_CONFIG/cli-plugins/docker-buildx" version 2>/dev/null | head -1)
TESTBED_ENGINE_VERSION=$(DOCKER_HOST=unix://$RUN/classic.sock docker version --format '{{.Server.Version}}' 2>/dev/null)
ENV
  echo "testbed up: $(grep BUILDX_VERSION "$WORK/env" | cut -d= -f2-), engine $(grep ENGINE_VERSION "$WORK/env" | cut -d= -f2-)"
}

stop() {
  rm -f "$WORK/env"
  for name in classic containerd registry; do
    [ -f "$RUN/$name.pid" ] && kill "$(cat "$RUN/$name.pid")" 2>/dev/null || true
  done
  for name in classic containerd registry; do
    for _ in $(seq 30); do
      [ -f "$RUN/$name.pid" ] && kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null || break
      sleep 1
    done
    rm -f "$RUN/$name.pid"
  done
  echo "testbed stopped"
}

status() {
  local up=0
  for name in classic containerd; do
    if [ -x "$WORK/root/usr/bin/docker" ] && ready "$name"; then echo "$name: running"; else echo "$name: down"; up=1; fi
  done
  if curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then echo "registry: running"; else echo "registry: down"; up=1; fi
  return $up
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: Scripts/testbed.sh start [--full] | stop | status" >&2; exit 2 ;;
esac
