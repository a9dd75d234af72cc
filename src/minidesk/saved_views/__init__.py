"""Inbox filters and saved views: personal ones, and views a lead shares with a team."""
