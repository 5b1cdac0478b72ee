# MOSAIC knowledge graph: the API server with the bundled dataset (docs/deployment.md).
#   docker build -t mosaic .
#   docker run -p 8000:8000 -v mosaic-store:/data mosaic
# The store lives in the /data volume; the oxigraph binary is included for --workers N and for
# running a store container from the same image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MOSAIC_STORE=/data/store \
    MOSAIC_AUDIT_LOG=/data/audit.log \
    MOSAIC_HOST=0.0.0.0 \
    MOSAIC_PORT=8000

RUN useradd --create-home --uid 10001 mosaic && mkdir /data && chown mosaic /data
WORKDIR /srv/mosaic

# Installed as a package (not editable): the ontology, shapes, queries and bundled data ship
# inside it as package data (mosaic.ontology, mosaic.shapes, mosaic.queries, mosaic.bundle).
COPY --chown=mosaic pyproject.toml README.md LICENSE ./
COPY --chown=mosaic app ./app
COPY --chown=mosaic loaders ./loaders
COPY --chown=mosaic ontology ./ontology
COPY --chown=mosaic shapes ./shapes
COPY --chown=mosaic queries ./queries
RUN pip install --no-cache-dir . "oxigraph==0.5.13"

USER mosaic
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
ENTRYPOINT ["mosaic"]
CMD ["serve"]
