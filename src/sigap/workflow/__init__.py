"""The report workflow: routing to a unit, SLA deadlines, and (later) the state machine."""
