"""Channels that submit reports on citizens' behalf (LAPOR!, a bot) and their API keys."""
