"""Django's PostgreSQL backend, with pool waits measured and connection failures explained."""
