"""The desk core: customers, tickets, messages, users, teams."""
