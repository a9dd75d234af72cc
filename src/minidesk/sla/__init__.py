"""Service-level agreements: policies as data, business-time clocks, ticket timers, reports."""
