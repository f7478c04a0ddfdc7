# Runtime image for the single executable. Build the binary first on the host (npm ci && npm run build),
# then: docker build -t aibridge . ; docker run -v $PWD/install:/opt/aibridge -p 8443:8443 aibridge
# (Not built in this repository's CI: the machines have no Docker engine.)
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 1000 --create-home --home-dir /opt/aibridge mcpadmin
COPY --chmod=0755 dist/aibridge /usr/local/bin/aibridge
COPY dist/manifest.json dist/manifest.sig /usr/local/share/aibridge/
USER 1000:1000
WORKDIR /opt/aibridge
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsk https://127.0.0.1:8443/health || exit 1
ENTRYPOINT ["/usr/local/bin/aibridge"]
CMD ["serve", "--dir", "/opt/aibridge"]
