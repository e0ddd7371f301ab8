"""The dataset as a whole: its description (VoID and DCAT) at
``/.well-known/void`` and the full dump at ``/dumps/ogh.nq.gz``.

The dump is served with a strong ``ETag`` (its SHA-256) and ``Last-Modified``,
so clients and caches ask again with ``If-None-Match`` or
``If-Modified-Since`` and get ``304 Not Modified`` until a harvest writes a
new dump; ``Range`` requests resume a broken download.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request, send_file

from hub import dumps
from hub.sparql.formats import BY_NAME, NotAcceptable, negotiate_graph, serialize_graph

bp = Blueprint("dataset", __name__)


@bp.route("/.well-known/void")
def void() -> Response:
    from hub.void import void_graph
    from hub.web import resources

    try:
        fmt = negotiate_graph(request.headers.get("Accept"), request.args.get("format"),
                              allow_html=False)
    except NotAcceptable as exc:
        return Response(str(exc) + "\n", status=406, mimetype="text/plain")
    graph = void_graph(current_app.config["OGH"], resources.store())
    response = Response(serialize_graph(graph, fmt),
                        content_type=BY_NAME[fmt].media_type + "; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


@bp.route(f"/dumps/{dumps.DUMP_NAME}")
def dump() -> Response:
    config = current_app.config["OGH"]
    info = dumps.current(config)
    if info is None:
        abort(404, description="No dump has been made yet. It is written after each harvest, "
                               "or by the command `ogh dump`.")
    response = send_file(
        dumps.dump_path(config), mimetype="application/gzip", as_attachment=True,
        download_name=dumps.DUMP_NAME, etag=info.etag, last_modified=info.modified,
        conditional=True, max_age=60,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Length"
    return response
