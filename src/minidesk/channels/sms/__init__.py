"""The SMS channel (Twilio): a phone number's inbound webhook, opt-outs, status callbacks and
replies through Twilio's REST API."""
