"""Our own Rasa channels: WhatsApp through Twilio, Facebook Messenger, and their delivery."""
