"""Rasa SDK custom actions: thin wrappers that read slots, call `bot` and utter responses."""
