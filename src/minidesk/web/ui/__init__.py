"""The agent workspace: server-rendered pages over the same feature functions as the API,
signed in by a session cookie (``minidesk.desk.browser``)."""
