#!/usr/bin/env bash
# A real Docker Engine, buildx and registry on loopback, from Debian's archive only, for the ground-truth
# tests (Tests/BuildxDoctorTests/GroundTruthTests.swift). docs/architecture.md ("Ground truth") explains what it is for.
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
# --full  also builds buildkitd and buildctl from the BuildKit source tree sid's golang-github-docker-docker-dev
#         ships (about 550 Go source .debs, 3 minutes, 3 GB; cached in the work
#         folder), starts it for a `remote` builder, and makes a `docker-container` builder from an image made
#         here and served by the local registry (never pulled from Docker Hub). Stand-ins replace the three
#         packages Debian lacks: no seccomp profile, no fuse-overlayfs snapshotter, no gha cache backend.
set -euo pipefail
WORK=${BUILDX_DOCTOR_TESTBED:-/tmp/buildx-doctor-testbed}
RUN=$WORK/run

fail() { echo "TESTBED UNAVAILABLE: $*"; exit 3; }
# --full could not be set up: say so, and go on with the engines alone. start_buildkit runs under `if !`,
# where set -e is off, so every call is followed by its own `return 1`.
partial() { echo "TESTBED UNAVAILABLE: --full: $*"; unset DOCKER_HOST; return 1; }

ready() { DOCKER_HOST=unix://$RUN/$1.sock "$WORK/root/usr/bin/docker" info >/dev/null 2>&1; }

start() {
  local full=false
  [ "${1:-}" = "--full" ] && full=true
  mkdir -p "$WORK/apt/lists/partial" "$WORK/debs" "$WORK/root" "$RUN" "$WORK/reg"
  cd "$WORK"
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v docker-registry >/dev/null || ! command -v runc >/dev/null || ! command -v curl >/dev/null \
    || [ ! -x /usr/bin/tini-static ]; then
    apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed"
    # tini-static is the init dockerd runs inside the docker-container builder (it must not need the host's libc).
    apt-get install -y -qq --no-install-recommends runc docker-registry curl tini >/dev/null 2>&1 \
      || fail "cannot install runc, docker-registry, curl and tini from the machine's suite"
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
    echo "${sid[@]}" > apt/options
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
    # sid's docker-init is a link to a tini-static it does not ship: use the machine's static tini.
    printf '{"features":{"containerd-snapshotter":%s},"iptables":false,"ip6tables":false,"bridge":"none","data-root":"%s","exec-root":"%s","pidfile":"%s","hosts":["unix://%s"],"init-path":"%s"}\n' \
      "$snapshotter" "$WORK/data-$store" "$RUN/x-$store" "$RUN/$store.dpid" "$RUN/$store.sock" /usr/bin/tini-static > "$RUN/$store.json"
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
  if $full && ! start_buildkit; then
    full=false
    # What a failed start made is not left half-usable: its builders go (buildkitd itself is stopped by stop).
    DOCKER_HOST=unix://$RUN/classic.sock docker buildx rm bk-remote bk-dc >/dev/null 2>&1 || true
  fi
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
  if $full; then
    echo "TESTBED_REMOTE_BUILDER=bk-remote" >> "$WORK/env"
    echo "TESTBED_CONTAINER_BUILDER=bk-dc" >> "$WORK/env"
  fi
  echo "testbed up: $(grep BUILDX_VERSION "$WORK/env" | cut -d= -f2-), engine $(grep ENGINE_VERSION "$WORK/env" | cut -d= -f2-)"
}

# buildkitd from Debian's BuildKit sources, a remote builder on it, and a docker-container builder.
start_buildkit() {
  cd "$WORK"
  if [ ! -x bin/buildkitd ]; then build_buildkit || { partial "cannot build buildkitd from Debian's sources: $(tail -3 build.err 2>/dev/null | tr '\n' ' ')"; return 1; }; fi
  mkdir -p "$WORK/bkstate"
  bin/buildkitd --addr "unix://$RUN/buildkitd.sock" --root "$WORK/bkstate" --oci-worker=true --containerd-worker=false \
    > "$RUN/buildkitd.log" 2>&1 &
  echo $! > "$RUN/buildkitd.pid"
  for _ in $(seq 30); do bin/buildctl --addr "unix://$RUN/buildkitd.sock" debug workers >/dev/null 2>&1 && break; sleep 1; done
  bin/buildctl --addr "unix://$RUN/buildkitd.sock" debug workers >/dev/null 2>&1 || { partial "buildkitd did not start: $(tail -1 "$RUN/buildkitd.log")"; return 1; }
  export DOCKER_HOST=unix://$RUN/classic.sock
  docker buildx rm bk-remote bk-dc >/dev/null 2>&1 || true
  docker buildx create --name bk-remote --driver remote "unix://$RUN/buildkitd.sock" >/dev/null || { partial "cannot create the remote builder"; return 1; }
  rm -rf img; mkdir -p img/rootfs/usr/bin img/rootfs/etc img/rootfs/tmp
  cp bin/buildkitd bin/buildctl "$(command -v runc)" img/rootfs/usr/bin/
  for library in $(ldd "$(command -v runc)" | grep -oE '/[^ ]+'); do
    mkdir -p "img/rootfs$(dirname "$library")"; cp -L "$library" "img/rootfs$library"
  done
  printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/bin\nVOLUME /var/lib/buildkit\nENTRYPOINT ["buildkitd"]\n' > img/Dockerfile
  docker buildx build --builder default -q -t 127.0.0.1:5000/buildkit:local --push img >/dev/null 2>&1 \
    || { partial "cannot build the local BuildKit image"; return 1; }
  docker buildx create --name bk-dc --driver docker-container \
    --driver-opt image=127.0.0.1:5000/buildkit:local,network=host --bootstrap >/dev/null 2>&1 \
    || { partial "cannot start the docker-container builder"; return 1; }
  unset DOCKER_HOST
}

build_buildkit() {
  local sid
  read -r -a sid < apt/options
  local extra="golang-go golang-github-docker-docker-dev golang-github-azure-azure-sdk-for-go-dev
    golang-github-agext-levenshtein-dev golang-github-containerd-accelerated-container-image-dev
    golang-github-coreos-go-systemd-dev golang-github-gofrs-flock-dev golang-github-google-shlex-dev
    golang-github-hashicorp-go-immutable-radix-v2-dev golang-github-mitchellh-hashstructure-dev
    golang-github-package-url-packageurl-go-dev golang-github-spdx-tools-golang-dev
    golang-github-pkg-profile-dev golang-github-tonistiigi-go-archvariant-dev"
  # shellcheck disable=SC2086
  apt-get "${sid[@]}" -o APT::Install-Recommends=false -s install $extra | awk '/^Inst golang-/{print $2}' > golang-pkgs.txt
  # shellcheck disable=SC2046
  (cd debs && apt-get "${sid[@]}" download -qq $(cat ../golang-pkgs.txt)) >/dev/null 2>&1 || return 1
  for deb in debs/golang-*.deb; do dpkg-deb -x "$deb" root; done
  local sources=$WORK/root/usr/share/gocode/src overlay=$WORK/overlay/src
  rm -rf "$WORK/overlay"
  mkdir -p "$overlay/github.com/moby/profiles/seccomp" "$overlay/github.com/containerd/fuse-overlayfs-snapshotter/v2" \
    "$overlay/github.com/coreos" "$overlay/github.com/mitchellh"
  cp -as "$sources/github.com/moby/buildkit" "$overlay/github.com/moby/buildkit"
  cp -as "$sources/github.com/coreos/go-systemd" "$overlay/github.com/coreos/go-systemd"
  ln -s . "$overlay/github.com/coreos/go-systemd/v22"
  cp -as "$sources/github.com/mitchellh/hashstructure" "$overlay/github.com/mitchellh/hashstructure"
  ln -s . "$overlay/github.com/mitchellh/hashstructure/v2"
  # Stand-ins for what Debian does not package: no seccomp profile for RUN steps.
  printf 'package seccomp\n\nimport specs "github.com/opencontainers/runtime-spec/specs-go"\n\nfunc GetDefaultProfile(rs *specs.Spec) (*specs.LinuxSeccomp, error) { return nil, nil }\n' \
    > "$overlay/github.com/moby/profiles/seccomp/seccomp.go"
  # ... no fuse-overlayfs snapshotter,
  cat > "$overlay/github.com/containerd/fuse-overlayfs-snapshotter/v2/stub.go" <<'GO'
package fuseoverlayfs

import (
	"errors"

	"github.com/containerd/containerd/v2/core/snapshots"
)

var errNotBuilt = errors.New("fuse-overlayfs snapshotter not built into this buildkitd")

func Supported(root string) error { return errNotBuilt }
func NewSnapshotter(root string, opts ...interface{}) (snapshots.Snapshotter, error) {
	return nil, errNotBuilt
}
GO
  # ... and no gha cache backend (its client library is not packaged): the backend reports itself missing.
  rm -f "$overlay/github.com/moby/buildkit/cache/remotecache/gha/"*.go
  cat > "$overlay/github.com/moby/buildkit/cache/remotecache/gha/gha.go" <<'GO'
package gha

import (
	"context"
	"errors"

	"github.com/moby/buildkit/cache/remotecache"
	"github.com/moby/buildkit/session"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

var errNotBuilt = errors.New("gha cache backend not built into this buildkitd")

func ResolveCacheExporterFunc() remotecache.ResolveCacheExporterFunc {
	return func(context.Context, session.Group, map[string]string) (remotecache.Exporter, error) {
		return nil, errNotBuilt
	}
}

func ResolveCacheImporterFunc() remotecache.ResolveCacheImporterFunc {
	return func(context.Context, session.Group, map[string]string) (remotecache.Importer, ocispecs.Descriptor, error) {
		return nil, ocispecs.Descriptor{}, errNotBuilt
	}
}
GO
  # Debian's stargz snapshotter is built for containerd v1: build the OCI worker without it.
  local worker="$overlay/github.com/moby/buildkit/cmd/buildkitd/main_oci_worker.go"
  cp --remove-destination "$(readlink -f "$worker")" "$worker"
  python3 - "$worker" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
start = text.index('\tcase "stargz":')
end = text.index('\tdefault:', start)
text = text[:start] + '\tcase "stargz":\n\t\treturn snFactory, errors.New("stargz snapshotter not built into this buildkitd")\n' + text[end:]
text = text[:text.index('// sourceWithSession returns')]
text = re.sub(r'\n\t(sgz\w+|remotesn) "github.com/containerd/stargz-snapshotter/[^"]*"', '', text)
open(path, 'w').write(text)
PY
  local goroot
  goroot=$(ls -d "$WORK"/root/usr/lib/go-1.* | sort -V | tail -1)
  mkdir -p gopath bin
  ln -sfn "$sources" gopath/src
  for _ in 1 2 3 4; do
    if GOROOT=$goroot PATH="$goroot/bin:$PATH" GOPATH="$WORK/overlay:$WORK/gopath" GO111MODULE=off GOFLAGS= \
      GOCACHE="$WORK/gocache" GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0 \
      go build -o bin/ github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl 2>build.err; then
      return 0
    fi
    # The stargz removal leaves imports unused; drop them and build again.
    local unused
    unused=$(grep -oE 'main_oci_worker.go:[0-9]+:[0-9]+: "[^"]+" imported( as [a-z0-9_]+)? and not used' build.err | cut -d: -f2 | sort -rn)
    [ -n "$unused" ] || return 1
    for line in $unused; do sed -i "${line}d" "$worker"; done
  done
  return 1
}

stop() {
  rm -f "$WORK/env"
  if [ -x "$WORK/root/usr/bin/docker" ] && [ -S "$RUN/classic.sock" ]; then
    DOCKER_HOST=unix://$RUN/classic.sock DOCKER_CONFIG=$WORK/docker-config PATH="$WORK/root/usr/bin:$PATH" \
      "$WORK/root/usr/bin/docker" buildx rm bk-remote bk-dc >/dev/null 2>&1 || true
  fi
  [ -f "$RUN/buildkitd.pid" ] && kill "$(cat "$RUN/buildkitd.pid")" 2>/dev/null || true
  rm -f "$RUN/buildkitd.pid"
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
  # dockerd leaves its network namespace mount behind when it is stopped by signal.
  for mounted in $(awk -v work="$WORK/" 'index($2, work) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$mounted" 2>/dev/null || true
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
