"""The admin console: units, officials, categories, routing, channels and photo moderation."""
