"""Operators' review of real messages: the inbox, labelling, writing training examples."""
