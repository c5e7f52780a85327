import json
import smtplib
import socket
import subprocess
import sys
from email.message import EmailMessage

import requests

from care_monitor.replay.receiver import SmtpReceiver, WebhookReceiver


def test_webhook_receiver_fails_first_then_records() -> None:
    with WebhookReceiver(fail_first=2) as receiver:
        codes = [requests.post(receiver.url, json={"n": n}, timeout=5).status_code for n in range(3)]
    assert codes == [500, 500, 200]
    assert [r.body for r in receiver.received] == [{"n": 2}]
    assert len(receiver.all_requests) == 3


def test_smtp_receiver_records_messages() -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "hi", "a@example.com", "b@example.com"
    message.set_content("body")
    with SmtpReceiver() as receiver:
        with smtplib.SMTP(receiver.host, receiver.port, timeout=5) as smtp:
            smtp.send_message(message)
    [received] = receiver.messages
    assert received.recipients == ["b@example.com"] and received.part("text/plain").strip() == "body"


def test_command_line_receiver_appends_json_lines(tmp_path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    record = tmp_path / "received.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "care_monitor.replay.receiver", "--port", str(port), "--record", str(record)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert "webhook receiver on" in process.stdout.readline()
        response = requests.post(f"http://127.0.0.1:{port}/hook", json={"alert": 1},
                                 headers={"Idempotency-Key": "7"}, timeout=5)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    [line] = record.read_text().splitlines()
    entry = json.loads(line)
    assert entry["body"] == {"alert": 1} and entry["headers"]["Idempotency-Key"] == "7"
