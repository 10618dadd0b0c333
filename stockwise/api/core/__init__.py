"""Settings, database, security, logging and metrics for the HTTP API."""
