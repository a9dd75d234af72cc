"""Routing: agents' skills, capacity and presence, and who gets each new ticket."""
