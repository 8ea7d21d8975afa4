# syntax=docker/dockerfile:1
#
# Claimant production image.
#   docker build -t claimant .
#   docker run -p 3000:3000 -e DATABASE_URL=postgresql://user:pass@host:5432/claimant claimant
# Without DATABASE_URL the app uses embedded PGlite in /app/data; mount a volume there to keep it:
#   docker run -p 3000:3000 -v claimant-data:/app/data claimant
# See docker-compose.yml for a ready-made app + Postgres setup and .env.example for all settings.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# ---- build: all dependencies, generated Prisma client, TypeScript -> dist/, page scripts -> public/build ----
FROM base AS build
# Dependencies first so this layer is cached until the lockfile changes. Install scripts are skipped
# here (no engine downloads); the project's postinstall (prisma/generate.mjs) runs explicitly below.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY prisma.config.ts tsconfig.json tsconfig.build.json tsconfig.client.json ./
COPY prisma ./prisma
COPY src ./src
# Regenerate the client from the schema in this build, never a stale copy from the build context.
# `npm run build` compiles the server and bundles the page scripts (esbuild, src/client/build.ts):
# esbuild's own install script is skipped by --ignore-scripts and not needed, its binary package is
# an ordinary optional dependency.
RUN rm -rf src/generated \
 && node prisma/generate.mjs \
 && npm run build

# ---- prod-deps: production node_modules only ----
FROM base AS prod-deps
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall only generates into src/ (unused at runtime: the client is
# compiled into dist/), and the Prisma engines download is not needed by the running app.
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force

# ---- runtime ----
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data

# package.json is required at runtime: it carries "type": "module" for dist/.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
COPY views ./views
COPY public ./public
COPY --from=build /app/public/build ./public/build
COPY src/demo/sample-article.txt ./src/demo/sample-article.txt

# The app finds views/, public/ and prisma/migrations beside package.json (src/paths.ts).
# The data directory is the only place it writes to (embedded PGlite), so only it belongs to node.
RUN mkdir -p /app/data \
 && chown node:node /app/data \
 && chmod 700 /app/data

USER node
EXPOSE 3000

# Slim images have no curl; use Node's fetch. Start-up applies migrations first, so allow time.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node runs as PID 1 and handles SIGTERM itself (graceful shutdown, SHUTDOWN_GRACE_SECONDS).
CMD ["node", "dist/src/server.js"]
