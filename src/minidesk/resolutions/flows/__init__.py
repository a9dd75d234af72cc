"""One module per resolution flow; ``FLOWS`` maps a triage intent to the flow's entry."""
