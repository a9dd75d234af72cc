"""The WhatsApp channel (Cloud API): a business phone number's webhook, the 24-hour
customer-service window, and replies through Meta's Graph API."""
