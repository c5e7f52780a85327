# The production image: Airflow 3.3.2 with care-monitor installed (used by docker-compose.yml).
FROM apache/airflow:3.3.2-python3.11
# gcc builds the scorer's optional compiled steps (setup.py); without it they fall back to Python
USER root
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
USER airflow
COPY --chown=airflow:root pyproject.toml setup.py README.md /opt/care-monitor/
COPY --chown=airflow:root care_monitor /opt/care-monitor/care_monitor
COPY --chown=airflow:root sql /opt/care-monitor/sql
RUN pip install --no-cache-dir "/opt/care-monitor" "apache-airflow==3.3.2" \
      "apache-airflow-providers-celery" "apache-airflow-providers-postgres"
