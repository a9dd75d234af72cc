"""Outgoing webhooks: who may point the desk at a URL, the per-receiver signing secrets, and
the one signed POST that customer replies and rule webhooks share."""
