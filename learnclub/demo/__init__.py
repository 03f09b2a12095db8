"""`learnclub demo`: a living community, made through the same domain rules."""
