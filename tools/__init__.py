"""Build helpers for the documentation site and the slide decks; not part of the medcomkit package."""
