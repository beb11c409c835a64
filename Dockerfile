# Same steps as the README: pinned requirements, then the package; runs the demo replay.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml requirements.lock README.md alembic.ini ./
COPY migrations ./migrations
COPY service ./service
COPY scenarios ./scenarios
RUN pip install --no-cache-dir --disable-pip-version-check -r requirements.lock \
    && pip install --no-cache-dir --disable-pip-version-check --no-deps .
ENTRYPOINT ["mulin"]
CMD ["replay", "scenarios/town-25.json", "--time-limit", "30", "--out", "plan.json"]
