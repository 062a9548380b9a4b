# One image for web, worker, beat and migrate (docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic loads the settings, which refuse to start without SECRET_KEY when DEBUG=0: the
# key given here exists only in this RUN line, never in the image's environment.
RUN SECRET_KEY=build-only-not-a-secret DEBUG=0 python manage.py collectstatic --noinput \
    && useradd --create-home --no-log-init webcare \
    && mkdir -p /app/data/media && chown -R webcare /app/data
USER webcare
# Attachments live here; mount a volume so they outlive the container.
VOLUME ["/app/data/media"]
EXPOSE 8000
# X-Forwarded-For / -Proto are believed only from TRUSTED_PROXIES (comma-separated addresses or
# networks; empty: from nobody). A shell, so the variable is read when the container starts.
CMD ["sh", "-c", "exec uvicorn webcare.asgi:application --host 0.0.0.0 --port 8000 --workers 2 --forwarded-allow-ips=\"${TRUSTED_PROXIES:-}\""]
