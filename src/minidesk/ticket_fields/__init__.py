"""Custom ticket fields: admin-defined definitions and the validation of tickets' values."""
