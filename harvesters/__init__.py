"""Harvesters: one module per kind of site, each yielding typed records
(:mod:`harvesters.records`) for the hub to map into its graph."""
