"""The node catalogue (being filled in)."""
REGISTRY: list = []
