# Production image: gunicorn serving config.wsgi. The same image runs the Celery
# worker and beat and the one-off migrate job (see docker-compose.yml).
#
#   docker build -t da-register .
#   docker compose up --build

# ---- Stage 1: the front-end packages, exactly as package-lock.json pins them.
FROM node:20-bookworm-slim AS node-deps
WORKDIR /build
COPY package.json package-lock.json ./
# Runtime packages only: axe-core (the one devDependency) is for the accessibility tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error


# ---- Stage 2: the application.
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_ENV=production

# A non-root user with a writable home (gunicorn keeps its control socket there).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
      --shell /usr/sbin/nologin app

# Python packages from the hash-pinned lock only, as wheels (nothing is compiled).
# The lock includes the dev extras; they are installed too. pgserver is left out:
# it is only the embedded PostgreSQL that `make run` uses when DATABASE_URL is
# unset (it is imported lazily), and it has no wheel for linux/arm64.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv "$VIRTUAL_ENV" \
 && awk '/^[^ #]/ { skip = ($0 ~ /^pgserver==/) } !skip' \
      /tmp/requirements.lock > /tmp/requirements.image.lock \
 && pip install --require-hashes --only-binary=:all: -r /tmp/requirements.image.lock \
 && rm /tmp/requirements.lock /tmp/requirements.image.lock

WORKDIR /app
COPY --from=node-deps /build/node_modules ./node_modules
COPY . .

# Static files into var/staticfiles (served by whitenoise). Settings must import,
# so this step alone gets a throwaway key and URLs; nothing connects to them.
# The source and static files stay root-owned; only var/ (media uploads) is the app's.
RUN DJANGO_SECRET_KEY=build-only \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --no-input --verbosity 1 \
 && mkdir -p var/media var/beat \
 && chown app:app var var/media var/beat

# Numeric, so a runtime that checks runAsNonRoot can verify it: the app user above.
USER 10001:10001
EXPOSE 8000

# Liveness only (the process answers, no database): an orchestrator restarting the web
# server would not bring a database back. Readiness is /health/ready (docker-compose.yml).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status == 200 else 1)"]

# --timeout 30: the last guard against a request stuck on a frozen database connection
# (connect_timeout and statement_timeout answer 503 well before it).
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
