# One image for every edoc service and the CLI; docker-compose picks the service with EDOC_SERVICE.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY cli ./cli
COPY web ./web
COPY bin ./bin
COPY scripts ./scripts
COPY proto ./proto
COPY deploy ./deploy
COPY .swcrc tsconfig.json ./
RUN npm ci --no-audit --no-fund && node scripts/build.mjs && npm prune --omit=dev

FROM node:20-bookworm-slim
# MuPDF's mutool reads where a document prints its signature block, so signatures go there.
RUN apt-get update && apt-get install -y --no-install-recommends mupdf-tools && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production EDOC_HOST=0.0.0.0 EDOC_DATA_DIR=/var/lib/edoc
COPY --from=build /app /app
# The mount points of the volumes (certificates, each service's secrets) exist with their owner, so
# that Docker creates the named volumes owned by the user the services run as, secrets owner-only.
RUN mkdir -p /var/lib/edoc/pki /var/lib/edoc/secrets/intake /var/lib/edoc/secrets/signing /var/lib/edoc/secrets/routing \
      /var/lib/edoc/secrets/archival /var/lib/edoc/secrets/metrics /var/lib/edoc/secrets/identity /var/lib/edoc/secrets/gateway \
    && chown -R node:node /var/lib/edoc && chmod 700 /var/lib/edoc/secrets/*
USER node
CMD ["sh", "-c", "exec node --enable-source-maps services/${EDOC_SERVICE:?set EDOC_SERVICE}/dist/main.js"]
