"""One reader module per export format; the registry is servicemirror.etl.registry."""
