"""The email channel: inbound by SMTP listener, IMAP polling or provider webhook, one parser,
threading on headers and signed ticket tokens, outbound SMTP through the outbox.

Every way in ends in ``receive.receive_raw()``, which turns raw MIME into an
``InboundMessage`` for ``inbox.accept()`` (or quarantines it, or applies a bounce).
"""
