# syntax=docker/dockerfile:1
# Task Scheduler images: one Dockerfile, one target per role.
#
#   docker build --target api .            REST API            (node apps/api/dist/main.js)
#   docker build --target migrate .        one-shot migration  (dbmate, through the db package)
#   docker build --target cli .            publisher / worker  (command: publisher | worker)
#   docker build --target dummy-webhook .  the test receiver
#   docker build --target web .            the dashboard on nginx, proxying /api to the api
#
# docker-compose.yml builds every target. No Docker engine runs on the project's
# machines, so CI replays this file without one (scripts/check-images.mjs): the
# COPY and RUN lines of every stage in a scratch folder, then each image's
# command against a real PostgreSQL and Redis. Keep to the instructions it
# knows: FROM, ARG, WORKDIR, ENV, COPY (plain or --from), RUN, USER, EXPOSE,
# ENTRYPOINT, CMD. RUN lines of a stage built straight on a public image are
# image setup; the replay checks what they set up instead of running them.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG NGINX_IMAGE=nginx:1.27-alpine

# ---- node-base: Node.js 20 with the npm release that wrote package-lock.json
FROM ${NODE_IMAGE} AS node-base
ARG NPM_VERSION=11.19.1
RUN npm install --global --no-audit --no-fund npm@${NPM_VERSION} && npm cache clean --force
WORKDIR /app

# ---- manifests: the lockfile and every workspace's package.json, so the
# install layers below are rebuilt only when a dependency changes.
# apps/cli/bin is committed and must exist at install time for npm to link it.
FROM node-base AS manifests
COPY package.json package-lock.json ./
COPY packages/config/package.json packages/config/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/queue/package.json packages/queue/
COPY packages/services/package.json packages/services/
COPY packages/engine/package.json packages/engine/
COPY apps/api/package.json apps/api/
COPY apps/cli/package.json apps/cli/
COPY apps/cli/bin/ apps/cli/bin/
COPY apps/dummy-webhook/package.json apps/dummy-webhook/
COPY apps/web/package.json apps/web/

# ---- deps: everything, dev tools included, for the build
FROM manifests AS deps
RUN npm ci --no-audit --no-fund

# ---- build: every workspace's dist/ (TypeScript) and apps/web/dist (Vite)
FROM deps AS build
COPY . .
RUN npm run build

# ---- production dependencies, one role each: only what that role imports.
# (The npm cache these stages fill stays here: the images copy /app alone.)
FROM manifests AS api-deps
RUN npm ci --omit=dev --no-audit --no-fund --workspace @scheduler/api

FROM manifests AS cli-deps
RUN npm ci --omit=dev --no-audit --no-fund --workspace @scheduler/cli

FROM manifests AS dummy-webhook-deps
RUN npm ci --omit=dev --no-audit --no-fund --workspace @scheduler/dummy-webhook

# ---- api: the REST API on API_PORT (3000 in the image)
FROM node-base AS api
ENV NODE_ENV=production
COPY --from=api-deps /app ./
COPY --from=build /app/packages/config/dist packages/config/dist
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/db/dist packages/db/dist
COPY --from=build /app/packages/queue/dist packages/queue/dist
COPY --from=build /app/packages/services/dist packages/services/dist
COPY --from=build /app/packages/engine/dist packages/engine/dist
COPY --from=build /app/apps/api/dist apps/api/dist
COPY db/migrations db/migrations
USER node
EXPOSE 3000
CMD ["node", "apps/api/dist/main.js"]

# ---- migrate: the api image (it holds the db package, dbmate and db/migrations)
# running `npm run db:migrate`'s program once: creates the database if missing, migrates, exits.
FROM api AS migrate
CMD ["node", "packages/db/dist/migrate-cli.js"]

# ---- cli: `scheduler publisher` and `scheduler worker` (the command picks the role)
FROM node-base AS cli
ENV NODE_ENV=production
COPY --from=cli-deps /app ./
COPY --from=build /app/packages/config/dist packages/config/dist
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/db/dist packages/db/dist
COPY --from=build /app/packages/queue/dist packages/queue/dist
COPY --from=build /app/packages/services/dist packages/services/dist
COPY --from=build /app/packages/engine/dist packages/engine/dist
COPY --from=build /app/apps/cli/dist apps/cli/dist
USER node
ENTRYPOINT ["node", "apps/cli/bin/scheduler.js"]
CMD ["worker"]

# ---- dummy-webhook: the test receiver on DUMMY_WEBHOOK_PORT (4000 in the image)
FROM node-base AS dummy-webhook
ENV NODE_ENV=production
COPY --from=dummy-webhook-deps /app ./
COPY --from=build /app/packages/config/dist packages/config/dist
COPY --from=build /app/apps/dummy-webhook/dist apps/dummy-webhook/dist
USER node
EXPOSE 4000
CMD ["node", "apps/dummy-webhook/dist/main.js"]

# ---- web: the built dashboard on nginx (port 8080, unprivileged), /api and /health proxied to api:3000
FROM ${NGINX_IMAGE} AS web
RUN rm -f /etc/nginx/conf.d/default.conf && chown -R nginx:nginx /var/cache/nginx
COPY docker/nginx.conf /etc/nginx/nginx.conf
COPY --from=build /app/apps/web/dist /usr/share/nginx/html
USER nginx
EXPOSE 8080
CMD ["nginx", "-g", "daemon off;"]
