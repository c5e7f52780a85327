"""The one exception the report raises for bad input or an unusable environment."""


class ReportError(Exception):
    """The report cannot be built; the message names the bad value (brand, week, format...)."""
