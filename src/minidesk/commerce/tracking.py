"""Where a customer follows a parcel: the carrier's own tracking page for the number."""

from __future__ import annotations

from urllib.parse import quote

CARRIER_PAGES = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
}
# Carriers we have no page for: a multi-carrier tracker that recognises the number's format.
ANY_CARRIER = "https://www.17track.net/en/track?nums={number}"


def tracking_url(carrier: str, number: str) -> str:
    page = CARRIER_PAGES.get(carrier.strip().lower(), ANY_CARRIER)
    return page.format(number=quote(number, safe=""))
