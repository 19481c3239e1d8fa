"""The privacy rules behind the one access layer: roles, the publication layer (k), users."""
