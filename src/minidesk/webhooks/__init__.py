"""Outgoing webhooks: subscriptions to event kinds (``subscriptions``, ``delivery``), who may
point the desk at a URL (``checks``), the per-receiver signing secrets and the one signed POST
that subscriptions, customer replies and rule webhooks share (``signing``)."""
