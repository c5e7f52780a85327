-- care-monitor's own database and role, beside Airflow's metadata database (docker-compose).
CREATE ROLE care LOGIN PASSWORD 'care';
CREATE DATABASE care_monitor OWNER care;
