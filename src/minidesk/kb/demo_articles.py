"""The demo shop's help centre: three categories, a dozen articles (one internal, one
translated), written as a shop moving from Zendesk Guide would have them. The bot's
confidence threshold is calibrated on questions about these (``minidesk.kb.calibration``)."""

from __future__ import annotations

from typing import Any

CATEGORIES: tuple[dict[str, Any], ...] = (
    {"slug": "orders-shipping", "name": "Orders and shipping", "position": 1,
     "description": "Delivery times, tracking, international shipping."},
    {"slug": "returns-refunds", "name": "Returns and refunds", "position": 2,
     "description": "Sending things back and getting your money back."},
    {"slug": "account-payments", "name": "Account and payments", "position": 3,
     "description": "Signing in, payment methods, gift cards and invoices."},
)  # fmt: skip

# (category slug, slug, title, body, tags, visibility)
ARTICLES: tuple[tuple[str, str, str, str, list[str], str], ...] = (
    ("orders-shipping", "shipping-times", "How long does shipping take?",
     "Standard shipping takes 3 to 5 business days within the country; express shipping "
     "takes 1 to 2 business days. Orders placed before 2 pm ship the same day.\n\n"
     "## Delivery options\n\n- **Standard**: free over $50\n- **Express**: $9.90\n",
     ["shipping", "delivery"], "public"),
    ("orders-shipping", "international-shipping", "Do you ship internationally?",
     "Yes, we ship to Canada, the United Kingdom, the European Union and Australia. "
     "International delivery takes 7 to 14 business days and customs duties are paid by "
     "the recipient.\n\nWe do not ship to P.O. boxes abroad.",
     ["shipping", "international", "customs"], "public"),
    ("orders-shipping", "track-your-parcel", "How do I track my parcel?",
     "Every shipped order gets a tracking number by email. Open the link in the shipping "
     "confirmation, or sign in and open **Orders** to see where your parcel is.\n\n"
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     ["tracking", "parcel"], "public"),
    ("orders-shipping", "change-or-cancel", "Can I change or cancel my order?",
     "You can change the address or cancel an order until it ships. Write to us with the "
     "order number and we will do it for you; once it has shipped, you can return it "
     "instead.", ["cancel", "address"], "public"),
    ("returns-refunds", "return-policy", "What is your return policy?",
     "You can return any unused item within 30 days of delivery for a full refund. Start "
     "a return by writing to us with your order number; we email you a prepaid return "
     "label.\n\nSale items can be returned too.", ["returns", "policy"], "public"),
    ("returns-refunds", "refund-timing", "When will I get my refund?",
     "Refunds go back to the card you paid with within 5 to 10 business days after we "
     "receive your return. Your bank may take a few more days to show it.",
     ["refunds", "card"], "public"),
    ("returns-refunds", "damaged-items", "My item arrived damaged",
     "Sorry about that! Send us a photo of the damaged item and the packaging within 14 "
     "days of delivery, and we will send a replacement or refund you, whichever you "
     "prefer.", ["damaged", "broken", "replacement"], "public"),
    ("returns-refunds", "refund-approvals", "Refunds above the bot's cap (agents)",
     "Refunds over $50 need an agent with refund permission; over $200 a senior manager "
     "approves them in **Approvals**. Never promise an amount before it is approved.",
     ["refunds", "internal"], "internal"),
    ("account-payments", "payment-methods", "Which payment methods do you accept?",
     "We accept Visa, Mastercard, American Express, PayPal, Apple Pay and gift cards. "
     "We do not accept cheques or bank transfers.", ["payment", "paypal", "card"], "public"),
    ("account-payments", "gift-cards", "How do gift cards work?",
     "Gift cards are sent by email, never expire and can be used for several orders "
     "until the balance runs out. Enter the gift card code at checkout.",
     ["gift card", "voucher"], "public"),
    ("account-payments", "reset-password", "I forgot my password",
     "Click **Forgot password** on the sign-in page and we will email you a link to set a "
     "new one. The link works for one hour.", ["password", "sign in", "account"], "public"),
    ("account-payments", "newsletter", "How do I unsubscribe from the newsletter?",
     "Click **Unsubscribe** at the bottom of any newsletter email, or turn off marketing "
     "emails under **Account → Preferences**. It takes effect at once.",
     ["newsletter", "email", "unsubscribe"], "public"),
)  # fmt: skip

# A translation, so the help centre's language links have something to show.
TRANSLATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("return-policy", "es", "¿Cuál es vuestra política de devoluciones?",
     "Puedes devolver cualquier artículo sin usar en un plazo de 30 días desde la entrega "
     "para obtener un reembolso completo."),
)  # fmt: skip
