"""The public portal: the live map, report pages, area dashboards, unit ranking, open data."""
