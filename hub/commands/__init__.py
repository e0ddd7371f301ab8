"""The ``ogh`` sub-commands: one module each, found by :func:`hub.cli.main`.

A module here defines ``register(subparsers)``, which adds its parser and sets
``func`` to a function taking ``(args, config)`` and returning an exit code.
"""
