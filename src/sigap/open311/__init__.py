"""Open311 GeoReport v2: an adapter over the same use cases as the JSON API (no business logic)."""
