"""Infrastructure every layer may use: the database, settings, caches, labels, chart layout."""
