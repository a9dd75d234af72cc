"""Workforce management: how many agents each interval needs (Erlang C and Erlang A), from a
forecast of the desk's own arrivals and handle times."""
