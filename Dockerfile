# Newsmill in a container: `docker build -t newsmill .`, then `docker run newsmill crawl --source NAME`
# (or `docker compose up -d`, see docker-compose.yml). The entry point is the `newsmill` command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A crawler parses pages from anywhere: it runs as an unprivileged user. Its NEWSMILL_HOME
# (the spool of articles written while PostgreSQL is away) exists before a volume is mounted
# on it, so the volume starts out owned by that user.
RUN useradd --create-home --uid 10001 newsmill \
    && mkdir -p /home/newsmill/data \
    && chown newsmill:newsmill /home/newsmill/data
# Scrapyd (compose profile "scale") keeps its eggs, logs and job database in that volume too,
# not in the root-owned working directory.
RUN printf '[scrapyd]\neggs_dir = %s/eggs\nlogs_dir = %s/logs\ndbs_dir = %s/dbs\n' \
        /home/newsmill/data/scrapyd /home/newsmill/data/scrapyd /home/newsmill/data/scrapyd \
        > /home/newsmill/.scrapyd.conf

WORKDIR /app
# Dependencies first, in their own layer: a code change does not reinstall Scrapy and lxml.
COPY pyproject.toml README.md ./
RUN mkdir pipeline spiders && pip install . && pip uninstall -y newsmill
COPY pipeline ./pipeline
COPY spiders ./spiders
RUN pip install --no-deps . && rm -rf build
# scrapy.cfg in the working directory: `scrapy crawl` and Scrapyd find the project here.
COPY scrapy.cfg ./
COPY sources ./sources

USER newsmill
ENV NEWSMILL_HOME=/home/newsmill/data \
    NEWSMILL_SOURCES_DIR=/app/sources
ENTRYPOINT ["newsmill"]
CMD ["--help"]
