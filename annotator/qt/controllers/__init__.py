"""Flows, one module per concern; controllers never import each other."""
