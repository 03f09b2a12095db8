"""Reaching people: who gets which mail or chat-group post, and the once-only outbox."""
