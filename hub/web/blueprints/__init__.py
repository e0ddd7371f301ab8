"""One module per area of the site; see :func:`hub.web.create_app`."""
