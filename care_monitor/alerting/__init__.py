"""Alerts on negative mentions: rules, the outbox that delivers them, and the channels."""

from care_monitor.alerting.outbox import DeliveryReport, deliver_pending

__all__ = ["DeliveryReport", "deliver_pending"]
