"""Channel kinds: each turns provider traffic into InboundMessages and sends OutboundMessages."""
