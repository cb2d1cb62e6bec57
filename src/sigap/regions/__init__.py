"""Region packs: a deployment's areas, boundaries, units, categories and routing, as data."""
