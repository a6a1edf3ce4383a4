"""Linking across articles: near-duplicate articles, stories, one event per real event."""
