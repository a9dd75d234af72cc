"""Resolution flows: common problems closed in one to three messages under the policy pack.

``listeners`` hooks ``message.received``; ``engine.handle`` routes one message; each flow in
``flows/`` is one intent. Every message the flows send is a ``minidesk.replies`` template
(built in, editable by the shop owner), so it has per-channel bodies and an A/B record.
"""
