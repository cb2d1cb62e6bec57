"""Notifications and integrations: the outbox worker, e-mail, webhooks, live events."""
