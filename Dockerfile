# coffeehouse service image. Build: docker build -t coffeehouse .  (docker-compose.yml builds it too)
#
# Two stages: the build stage uses the same recipe as scripts/run (scripts/install-deps, then the
# CMake release preset); the runtime stage holds only the binary, schema/ and the shared
# libraries the binary links. scripts/check-container builds and runs this file without Docker.

FROM debian:bookworm AS build

# Debian's images delete downloaded packages after every install (apt.conf.d/docker-clean); keep
# them in the cache mounts below instead, so a rebuild downloads nothing it already has.
RUN rm -f /etc/apt/apt.conf.d/docker-clean \
 && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >/etc/apt/apt.conf.d/keep-cache

WORKDIR /src
# Only the installer first: its layer stays cached until the package list changes.
COPY scripts/install-deps scripts/
COPY scripts/lib/common.sh scripts/lib/
# Redocly's CLI (npm, pinned by its lock file) renders the /docs page during the build.
COPY tools/redocly/package.json tools/redocly/package-lock.json tools/redocly/
# Behind a TLS-intercepting proxy, npm needs the proxy's CA: give it as the optional build secret
# build_ca (docker build --secret id=build_ca,src=/etc/ssl/certs/ca-certificates.crt; Node adds
# it to its own CAs). Without the secret Node warns that the file is missing and goes on.
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    --mount=type=secret,id=build_ca \
    NODE_EXTRA_CA_CERTS=/run/secrets/build_ca scripts/install-deps --build-only

COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
# Embedded in the binary: /openapi.json and /docs.
COPY docs/openapi.yaml docs/
# tools/ only because CMakeLists.txt configures it; the build below makes the service alone.
COPY tools tools
COPY src src
# ccache (installed above, picked up by CMakeLists.txt) skips every compile that uses the
# precompiled header unless these sloppiness settings allow it; with them, and the cache mount,
# a rebuild compiles only what changed.
ENV CCACHE_DIR=/root/.cache/ccache \
    CCACHE_MAXSIZE=1G \
    CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
RUN --mount=type=cache,target=/root/.cache/ccache \
    ccache --zero-stats \
 && cmake --preset release \
 && cmake --build --preset release --target coffeehouse \
 && ccache --show-stats


FROM debian:bookworm-slim AS runtime

# The shared libraries build/release/coffeehouse links (ldd), CA certificates for the seed
# API's HTTPS, and curl for HEALTHCHECK.
RUN apt-get update -o Acquire::Retries=3 \
 && apt-get install -y --no-install-recommends -o Acquire::Retries=3 \
      libpq5 libboost-json1.81.0 libboost-url1.81.0 libspdlog1.10 libfmt9 libssl3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged UID (not 0, not a login shell) that orchestrators can check numerically.
RUN groupadd --system --gid 10001 coffeehouse \
 && useradd --system --uid 10001 --gid coffeehouse --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin coffeehouse

# `migrate` and `serve` find the migrations at schema/versions relative to the working directory.
WORKDIR /app
COPY schema schema
COPY --from=build /src/build/release/coffeehouse /usr/local/bin/coffeehouse

USER 10001:10001
# Every interface of the container's own network namespace; the host decides what it publishes.
ENV COFFEEHOUSE_LISTEN=0.0.0.0:8080
EXPOSE 8080
# /healthz never touches the database: this says "the process serves HTTP", nothing more. The
# port follows COFFEEHOUSE_LISTEN, so overriding it does not make the container unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${COFFEEHOUSE_LISTEN##*:}/healthz" || exit 1

# Exec form: coffeehouse is PID 1 and gets SIGTERM itself (graceful shutdown), not a shell.
ENTRYPOINT ["coffeehouse"]
CMD ["serve"]
