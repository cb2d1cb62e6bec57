"""The citizen side of a report: submit, read, search."""
