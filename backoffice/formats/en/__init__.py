"""English formats (the only language the backoffice is in)."""
