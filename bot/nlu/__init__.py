"""NLU: our Rasa components and the classification service used by the CLI."""
