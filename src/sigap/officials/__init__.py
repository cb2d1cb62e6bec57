"""CROP: the officials' side — a unit's inbox, a report's full picture and the actions on it."""
