# Same steps as the README (and the Makefile): pinned requirements, then the package. Runs the
# HTTP service with the demo station: `docker run -p 8000:8000 -v mulin-data:/data mulin`, then
# the docs on http://127.0.0.1:8000/docs; the coordinator token and a curl line are in the log.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MULIN_DATABASE_URL=sqlite:////data/mulin.db
WORKDIR /app
COPY pyproject.toml requirements.lock README.md alembic.ini ./
COPY migrations ./migrations
COPY service ./service
COPY scenarios ./scenarios
RUN pip install --no-cache-dir --disable-pip-version-check -r requirements.lock \
    && pip install --no-cache-dir --disable-pip-version-check --no-deps .
# A user without privileges owns the database directory, a volume so the archive outlives
# the container.
RUN useradd --create-home --uid 10001 mulin \
    && mkdir /data \
    && chown mulin:mulin /data
USER mulin
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]
ENTRYPOINT ["mulin"]
CMD ["serve", "--demo", "--host", "0.0.0.0", "--port", "8000"]
