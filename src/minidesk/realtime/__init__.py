"""Realtime fan-out: committed events and agents' presence pushed to WebSockets.

``notices`` turns events into compact change notices (ids and kinds, never bodies);
``brokers`` carries them to every web process (in-process, local datagrams, PostgreSQL
NOTIFY, Redis pub/sub); ``hub`` holds one process's sockets and hands what arrives, in
order, to ``fanout``, which filters every notice by what each agent may see; ``presence``
keeps who is online, viewing or typing; ``connection`` serves one agent's socket (signed
in through ``credentials``), re-checked at once on a change of access (``access_changes``);
``publisher`` installs the after-commit step.
See docs/realtime.md.
"""
