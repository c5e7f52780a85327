# The production image: Airflow 3.3.2 with care-monitor installed (used by docker-compose.yml).
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:root pyproject.toml README.md /opt/care-monitor/
COPY --chown=airflow:root care_monitor /opt/care-monitor/care_monitor
COPY --chown=airflow:root sql /opt/care-monitor/sql
RUN pip install --no-cache-dir "/opt/care-monitor" "apache-airflow==3.3.2" \
      "apache-airflow-providers-celery" "apache-airflow-providers-postgres"
