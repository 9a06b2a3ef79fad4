"""Switchyard client stubs; the API is in switchyard.v1."""
