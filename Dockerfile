# secondchance: the daemon in a small, non-root image.
#   docker build -t secondchance .            (or: make docker)
#   docker compose -f deploy/docker-compose.yml up -d
# One stage: every dependency ships as a wheel, so no compiler is needed and nothing is
# apt-get installed. Dependencies are pinned by constraints.txt (its dev tools are only
# constraints, so they are not installed).
FROM python:3.12-slim-bookworm

ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="secondchance" \
      org.opencontainers.image.description="Watch the job boards of companies that turned you down, and get told when a second chance opens." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/python:3.12-slim-bookworm"

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# A fixed UID/GID so bind mounts and volumes can be chowned to 10001 on the host. /data
# is created (and owned) before VOLUME, so a new named volume starts owned by 10001.
RUN groupadd --system --gid 10001 secondchance \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin secondchance \
    && mkdir -p /data /config \
    && chown 10001:10001 /data \
    && python -m venv /opt/venv

WORKDIR /build
COPY pyproject.toml constraints.txt README.md ./
COPY src/ src/
# pip compiles the .pyc files here, so the read-only container never needs to write them.
RUN pip install --no-cache-dir -c constraints.txt ".[postgres]" \
    && secondchance --version

ENV SECONDCHANCE_DATA=/data \
    SECONDCHANCE_CONFIG=/config/watchlist.toml \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /data
USER 10001:10001
VOLUME /data

# Exec form: PID 1 is python itself, so SIGTERM reaches the daemon, which lets in-flight
# polls finish for shutdown_timeout (8 s) -- give it more than that (compose: 15 s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["secondchance", "health"]
ENTRYPOINT ["secondchance"]
CMD ["run"]
