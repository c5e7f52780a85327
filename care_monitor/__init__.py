"""care-monitor: poll social and review feeds, keep brand mentions, score them, alert on negative ones."""

__version__ = "0.1.0"
