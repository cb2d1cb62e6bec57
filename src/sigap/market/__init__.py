"""The UMKM marketplace (issue #28): home-industry sellers, curated by the city, their
products, buyers' orders. See docs/market.md."""
