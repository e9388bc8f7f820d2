"""The agent console: users, log-in sessions, and the pages agents work in."""
