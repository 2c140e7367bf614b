"""The content wing: the typed model, its schema, loading and checking the township's files."""
