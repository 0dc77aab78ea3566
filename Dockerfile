# Build: compile TypeScript with the dev dependencies, then keep only what runs.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci: exactly the lockfile. --omit=optional skips the pinned Node runtime; the image has Node 24.
RUN npm ci --omit=optional --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --omit=optional

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The database's functions, catalog views and grants as source: migrate loads them at run time.
COPY --chown=node:node db ./db
USER node
EXPOSE 3000
CMD ["node", "--liftoff-only", "dist/src/main.js"]
