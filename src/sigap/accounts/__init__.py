"""Accounts: citizens and officials, their roles and units. Login and tokens come with CROP."""
