# The project's Airflow image, used by every Airflow service in docker-compose.yml.
# It extends the official image as the "Running Airflow in Docker" how-to advises:
# the same Airflow version, the project's pinned packages, and the project's code.
FROM apache/airflow:3.3.2-python3.11

# WeasyPrint needs Pango (>= 1.44) and HarfBuzz's subsetter from Debian (the same list
# as the Makefile's SYSTEM_LIBS). report_templates/style.css sets DejaVu Sans (it has
# the direction-of-travel arrows), which the slim base image does not ship.
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && apt-get autoremove -yqq --purge \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
USER airflow

# The lock file (uv pip compile requirements.in, Python 3.11) pins apache-airflow==3.3.2,
# so pip cannot up- or downgrade the Airflow the image was built with.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock

# The pipeline package finds sql/, expectations/ and report_templates/ beside itself
# (Path(__file__).parents[1]), so the four folders stay siblings.
ENV SEND_APP_DIR=/opt/airflow/send-board-pack
COPY pipeline/ ${SEND_APP_DIR}/pipeline/
COPY sql/ ${SEND_APP_DIR}/sql/
COPY expectations/ ${SEND_APP_DIR}/expectations/
COPY report_templates/ ${SEND_APP_DIR}/report_templates/
COPY partnership/ ${SEND_APP_DIR}/partnership/
COPY reference/ ${SEND_APP_DIR}/reference/
# `import pipeline` works in every task, the CLI and `python -m pipeline`.
ENV PYTHONPATH="${SEND_APP_DIR}"
