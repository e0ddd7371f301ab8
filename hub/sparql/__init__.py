"""The SPARQL endpoint's logic: reading the protocol, picking formats, and
running queries in killable worker processes on the published snapshot.

Kept free of heavy imports: :mod:`hub.sparql.worker` imports this package and
must start fast.
"""
