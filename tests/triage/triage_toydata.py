"""A tiny three-intent set for trainer tests."""

from __future__ import annotations

TOY = {
    "order_status": [
        "where is my order",
        "track my package",
        "has my order shipped yet",
        "when will my parcel arrive",
        "status of my delivery",
        "my order has not arrived",
        "where is my package now",
        "can you track my shipment",
        "order still not here",
        "what is the status of my order",
        "tracking for my order please",
        "has my package been sent",
    ],
    "refund": [
        "i want my money back",
        "please refund me",
        "give me a refund",
        "refund my purchase",
        "i want a refund for the item",
        "how do i get a refund",
        "money back for this order",
        "refund the payment please",
        "i need a refund now",
        "can i get reimbursed",
        "return my money",
        "i demand a refund",
    ],
    "password": [
        "i forgot my password",
        "reset my password",
        "cannot log in to my account",
        "password reset link please",
        "locked out of my account",
        "how do i change my password",
        "my login does not work",
        "recover my account password",
        "i can't sign in",
        "new password please",
        "forgot login details",
        "password is not working",
    ],
}
