"""Realtime fan-out: committed events and agents' presence pushed to WebSockets.

``notices`` turns events into compact change notices (ids and kinds, never bodies);
``brokers`` carries them to every web process (in-process, local datagrams, PostgreSQL
NOTIFY, Redis pub/sub); ``hub`` holds one process's sockets and filters every notice by
what each agent may see; ``publisher`` installs the after-commit step. See docs/realtime.md.
"""
