#!/usr/bin/env bash
# Start Airflow standalone with the care-monitor DAGs, print where to log in, stop cleanly on Ctrl-C.
set -euo pipefail
BIN=$(cd "${BIN:-.venv/bin}" && pwd)
export PATH="$BIN:$PATH"  # standalone starts its components as `airflow ...` subprocesses
export CARE_MONITOR_CONFIG="${CARE_MONITOR_CONFIG:-$PWD/care_monitor.yml}"  # tasks run from other directories
mkdir -p "$AIRFLOW_HOME"
"$BIN/airflow" db migrate >/dev/null
"$BIN/airflow" standalone >"$AIRFLOW_HOME/standalone.log" 2>&1 &
pid=$!
trap 'echo; echo "stopping Airflow"; kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 0' INT TERM
passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
echo "starting Airflow (log: $AIRFLOW_HOME/standalone.log) ..."
for _ in $(seq 120); do
  kill -0 "$pid" 2>/dev/null || { echo "Airflow exited; see $AIRFLOW_HOME/standalone.log" >&2; exit 1; }
  if [[ -s $passwords ]] && curl -fsS http://localhost:8080/api/v2/version >/dev/null 2>&1; then break; fi
  sleep 1
done
password=$("$BIN/python" -c 'import json,sys; print(next(iter(json.load(open(sys.argv[1])).values())))' "$passwords")
cat <<MSG

  Airflow UI:  http://localhost:8080    user: admin    password: $password
  DAGs:        care_monitor_poll (every 5 minutes), care_monitor_weekly_report (Mondays 08:00)
  Config:      ${CARE_MONITOR_CONFIG:-care_monitor.yml}   Mentions DB: see database_url (default sqlite:///care_monitor.db)
  Per-source results: care-monitor sources status    Stop: Ctrl-C

MSG
wait "$pid"
