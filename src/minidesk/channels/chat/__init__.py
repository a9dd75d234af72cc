"""The web chat channel: an embeddable widget (``/widget.js``) talking to ``/chat/ws``."""
