"""Rules stored as data (event, conditions, actions) and time-based rules, evaluated by a
small engine over registries of named conditions and actions.

Resolution flows register into ``automation.actions.resolution_runners``; commerce
connectors may answer lifetime value through ``automation.conditions.lifetime_value_sources``.
"""
