"""HTTP: the JSON API under /api/v1, provider webhooks under /hooks, health and metrics."""
