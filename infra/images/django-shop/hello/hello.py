"""hello.py: a WSGI application with no framework at all (PEP 3333).

    gunicorn --chdir /srv/hello --bind 127.0.0.1:8000 hello:application
"""


def application(environ, start_response):
    path = environ["PATH_INFO"]  # the request path, e.g. /cart
    method = environ["REQUEST_METHOD"]  # GET, POST, ...
    server = environ.get("SERVER_SOFTWARE", "?")
    body = f"{method} {path}: answered by hello.py, called by {server}\n".encode("utf-8")
    start_response(
        "200 OK",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]
