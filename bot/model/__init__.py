"""The model's life: build it from the training data, gate it on the held-out sets, serve it, roll it back.

- `build`: train with Rasa when the training inputs changed;
- `heldout`: evaluate a model on the held-out sets;
- `gate`: compare a new model with the served one and decide whether it may be promoted;
- `store`: which model is served, the promotion history, rollback and pruning;
- `serving`: load a model into the running Rasa servers over their HTTP API;
- `release`: the whole `python -m bot train` pipeline.
"""
