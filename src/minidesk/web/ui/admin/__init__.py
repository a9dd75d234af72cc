"""The workspace's admin pages, one module per area; each area's router is declared in the
manifest of the feature it administers (users in ``desk``, rules in ``automation`` …)."""
