"""The fare card's back office (issue #27, docs/cards.md): the ledger, card accounts,
top-ups and their payment adapters, validators and their taps, and the pricing of taps."""
