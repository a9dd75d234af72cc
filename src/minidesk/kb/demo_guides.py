"""The demo shop's troubleshooting guide: it ends in the demo's articles, flows and people."""

from __future__ import annotations

from typing import Any

PARCEL: dict[str, Any] = {
    "slug": "where-is-my-parcel",
    "title": "Where is my parcel?",
    "description": "A parcel that is late, lost or says delivered when it is not.",
    "tree": {
        "start": "tracking",
        "nodes": {
            "tracking": {
                "question": "Do you have a tracking number for the parcel?",
                "options": [
                    {"label": "Yes", "next": "status"},
                    {"label": "No", "next": "order-status"},
                ],
            },
            "order-status": {
                "text": "Give our assistant your order number and it will look the parcel up.",
                "end": {"flow": "order_status"},
            },
            "status": {
                "question": "What does the tracking page say?",
                "options": [
                    {"label": "It is on its way", "next": "track"},
                    {"label": "Delivered, but I do not have it", "next": "missing"},
                    {"label": "It arrived damaged", "next": "damaged"},
                ],
            },
            "track": {
                "text": "Parcels on their way usually arrive within the estimate shown.",
                "end": {"article": "track-your-parcel"},
            },
            "missing": {
                "text": "Check with neighbours and your building's reception first.",
                "end": {"handoff": "Tracking says delivered, the parcel is missing"},
            },
            "damaged": {"end": {"article": "damaged-items"}},
        },
    },
}
GUIDES = (PARCEL,)
