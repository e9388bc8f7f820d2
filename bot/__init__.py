"""Domain logic of the tenant assistant: plain Python, testable without Rasa running."""
