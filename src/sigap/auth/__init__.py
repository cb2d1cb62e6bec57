"""Signing in: web sessions (cookie + CSRF token) and API tokens (bearer), both revocable."""
