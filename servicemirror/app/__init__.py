"""Application services the access layer calls: hypothesis, projects, forum packages and their signatures, backup, purge, report, upload, comments, demo."""
