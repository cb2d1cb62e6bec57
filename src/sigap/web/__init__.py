"""Web plumbing shared by the JSON API and pages: error rendering, docs."""
