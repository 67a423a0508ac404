"""`archive serve`: the web application on embedded defaults (gunicorn runs it in production)."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--plain-http", is_flag=True,
              help="send the session cookie without the Secure flag (plain HTTP beyond localhost; not for production)")
def serve_command(host: str, port: int, plain_http: bool) -> None:
    """Serve the web application (zh-CN first) on HOST:PORT."""
    import os

    from werkzeug.serving import make_server

    from web.app import create_app

    if plain_http:
        os.environ["ARCHIVE_WEB_INSECURE"] = "1"
    app = create_app()
    # A threaded server is enough for one archive room; several offices: gunicorn (web.wsgi:app).
    server = make_server(host, port, app, threaded=True)
    click.echo(f"http://{host}:{port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["archive"].close()
