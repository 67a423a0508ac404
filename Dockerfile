# The application image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ARCHIVE_HOME=/var/lib/archive \
    TZ=Asia/Shanghai

# OCR with Simplified and Traditional Chinese, CJK fonts for rendering and for the PDF/A
# documents (archive/paper.py embeds WenQuanYi Zen Hei), PDF page rasterising (poppler).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng \
      fonts-noto-cjk fonts-wqy-zenhei poppler-utils tzdata \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 archive \
 && useradd --system --uid 10001 --gid archive --home-dir /home/archive --create-home archive \
 && mkdir -p /var/lib/archive \
 && chown archive:archive /var/lib/archive

WORKDIR /app

# Dependencies first (cached while only the code changes): exactly the versions and hashes of
# the lock (README, "Reproducible builds"), then the code without resolving anything again.
COPY requirements/main.lock ./requirements/main.lock
RUN pip install --require-hashes --no-deps -r requirements/main.lock
COPY pyproject.toml README.md ./
COPY archive ./archive
COPY storage ./storage
COPY search ./search
COPY ingest ./ingest
COPY retention ./retention
COPY web ./web
RUN pip install --no-deps . && rm -rf build *.egg-info

USER archive
VOLUME ["/var/lib/archive"]
EXPOSE 8000

CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-", "web.app:create_app()"]
