"""The citizen app (Qlue): report from a phone, follow, support, comment and rate the fix."""
