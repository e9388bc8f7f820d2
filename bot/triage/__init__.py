"""Urgency triage from scripts that operators edit (`data/triage/*.yml`)."""
