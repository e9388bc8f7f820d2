"""Handing conversations to a person: reasons, the queue, agents' actions, transcripts, cues."""
