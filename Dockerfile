# syntax=docker/dockerfile:1
# Tributary: tributaryd, report-service, carshop and tributary in one image.
# Build stage: the same `make build-release` target CI and developers use. The packages are
# exactly what `make deps` (scripts/install-deps.sh) checks for, so make installs nothing more.
FROM swift:6.3-bookworm AS build
WORKDIR /src
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka-dev libsqlite3-dev pkg-config curl make \
 && rm -rf /var/lib/apt/lists/*
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY . .
# Symbols are over a third of the four binaries (437 MB, 276 MB stripped) and serve only a
# debugger, which the runtime image does not have.
RUN make build-release \
 && mkdir -p /out \
 && cp .build/release/tributaryd .build/release/tributary .build/release/carshop .build/release/report-service /out/ \
 && strip /out/*

# Runtime: Debian slim, running as a non-root user. `make build-release` links the Swift
# runtime and Foundation statically, so only C libraries are needed here.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      librdkafka1 libsqlite3-0 libstdc++6 tzdata ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/tributary --create-home tributary
COPY --from=build /out/ /usr/local/bin/
COPY topics.json /etc/tributary/topics.json
USER tributary
WORKDIR /var/lib/tributary
# Two Kafka listeners, as Kafka's advertised.listeners: 9092 for containers that know this one
# as `tributaryd`, 9093 for the host, which publishes it as its own localhost:9092
# (`docker run -p 9092:9093 -p 9644:9644 tributary`).
EXPOSE 9092 9093 9644 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -sf http://127.0.0.1:9644/health || exit 1
ENTRYPOINT ["tributaryd"]
CMD ["--data-dir", "/var/lib/tributary/data", "--topics", "/etc/tributary/topics.json", \
     "--listen", "0.0.0.0:9092,0.0.0.0:9093", "--advertised-listener", "tributaryd:9092,localhost:9092", \
     "--http", "0.0.0.0:9644"]
