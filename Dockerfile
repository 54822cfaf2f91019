# syntax=docker/dockerfile:1
# One image for every role: ROLE=all (default) | web | worker.
#   docker build -t rollback-bot .
#   docker run -e ROLE=web -e SLACK_BOT_TOKEN=… -v ./rollback.config.yml:/etc/rollback-bot/rollback.config.yml rollback-bot
# Node 26 is the Active LTS line since 2026-10-28, and `npm run test:node26` runs the suite on it
# (the exact 26.x pinned in tools/node26); CI also runs it on Node 20, which is past its end of
# life and is for development only (README, "Which Node").
ARG NODE_VERSION=26

# 1. Compile TypeScript with the dev dependencies.
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY scripts/finish-build.mjs ./scripts/finish-build.mjs
RUN npm run build

# 2. Production dependencies only.
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: no compilers, no dev dependencies, not root.
FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
    PORT=3000 \
    ROLE=all \
    ROLLBACK_CONFIG=/etc/rollback-bot/rollback.config.yml
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node rollback.config.example.yml /etc/rollback-bot/rollback.config.example.yml
USER node
EXPOSE 3000
# Liveness only (/healthz); orchestrators should use /readyz for traffic.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself: it drains workers and exits 0.
# --max-semi-space-size=16: the young generation capped at Node 20's default (Node 26's grows to
# about twice that); 64 bought no ack latency beyond the spread of five runs and held 65–80 MiB
# more RSS while busy (bench/README.md, sixth round). Same flags as `npm start`.
CMD ["node", "--max-semi-space-size=16", "dist/main.js"]
