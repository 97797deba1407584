FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var PIP_NO_CACHE_DIR=1
WORKDIR /app
# WeasyPrint (the report's PDF download) needs pango.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml build-constraints.txt README.md ./
COPY ekommune ekommune
COPY municipalities municipalities
COPY surveys surveys
RUN pip install --upgrade pip && pip install --build-constraint build-constraints.txt .

COPY . .
RUN useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && chown -R app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "ekommune.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
