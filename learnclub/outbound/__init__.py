"""Outbound adapters: sending mail over SMTP and posts to chat-group robots."""
