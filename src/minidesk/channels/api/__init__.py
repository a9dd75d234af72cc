"""The in-app/API channel: messages posted to /api/v1/inbound/messages, replies pushed to the
customer's webhook URL or kept for polling."""
