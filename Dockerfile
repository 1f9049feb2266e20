# syntax=docker/dockerfile:1
# buildx-doctor in a container. Build and run from the repository root:
#
#   docker build -t buildx-doctor .
#   docker run --rm -v "$PWD:/src" buildx-doctor                  # = check . in the mounted repository
#   docker run --rm -v "$PWD:/src" buildx-doctor check /src --format sarif
#   docker run --rm -v "$PWD:/src" --user "$(id -u):$(id -g)" buildx-doctor fix --write
#
# Two stages: the official Swift image builds a release binary with the Swift runtime and Foundation linked in
# (--static-swift-stdlib), and a plain Ubuntu of the same release runs it (the binary needs only the C and C++
# runtime libraries, which that image has), as an unprivileged user.
ARG SWIFT_VERSION=6.3
ARG UBUNTU_VERSION=24.04

FROM swift:${SWIFT_VERSION}-noble AS build
WORKDIR /build
# The manifest first: dependencies are fetched once and stay cached while only the sources change.
# (Package.resolve[d] copies Package.resolved when the context has one and nothing otherwise.)
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product buildx-doctor \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/buildx-doctor" /out/buildx-doctor

FROM ubuntu:${UBUNTU_VERSION}
LABEL org.opencontainers.image.title="buildx-doctor" \
      org.opencontainers.image.description="Finds Docker buildx cache, driver and platform mistakes in CI configuration" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin doctor
COPY --from=build /out/buildx-doctor /usr/local/bin/buildx-doctor
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["buildx-doctor"]
CMD ["check", "."]
