"""Conversations written into a real Rasa SQL tracker store, with Rasa's own code and schema."""

import asyncio


def save_tracker(path, sender, events):
    """Write a conversation into a real Rasa SQL tracker store (Rasa's own code and schema)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, slots=[])
    for event in events:
        tracker.update(Event.from_parameters(event))
    asyncio.run(store.save(tracker))
    store.engine.dispose()
