"""Resolution flows: common problems closed in one to three messages under the policy pack.

``listeners`` hooks ``message.received``; ``engine.handle`` routes one message; each flow in
``flows/`` is one intent; ``texts`` holds every message the flows send.
"""
