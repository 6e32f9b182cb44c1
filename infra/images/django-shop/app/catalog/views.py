"""The shop's pages. Each runs inside whichever WSGI server called the application."""
import os
import time

from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from .models import Product


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def product_list(request):
    """The product list: rows read through the ORM, rendered by a template."""
    products = Product.objects.all()
    return render(
        request,
        "catalog/products.html",
        {
            "products": products,
            "pid": os.getpid(),
            "server": request.environ.get("SERVER_SOFTWARE", "?"),
            "database": connection.vendor,
        },
    )


def slow(request):
    """A page that takes `seconds` (default 1, at most 10) to answer, like a slow query would."""
    try:
        seconds = float(request.GET.get("seconds", "1"))
    except ValueError:
        return HttpResponseBadRequest("seconds must be a number, e.g. /slow/?seconds=1\n")
    if not 0 <= seconds <= 10:
        return HttpResponseBadRequest("seconds must be between 0 and 10\n")
    started = time.time()
    time.sleep(seconds)
    # When this process began and ended the request (Unix time): requests that overlapped
    # really ran at the same time, whatever the clients' own delays.
    body = f"slept {seconds:g} s in process {os.getpid()} from {started:.3f} to {time.time():.3f}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def wsgi_environ(request):
    """What the WSGI server handed the application: the `environ` of this very call."""
    env = request.environ
    lines = [
        f"This request was run by process {os.getpid()}: {_cmdline(os.getpid())}",
        f"whose parent is process {os.getppid()}: {_cmdline(os.getppid())}",
        "",
        "The WSGI server called application(environ, start_response) with this environ:",
    ]
    for key in sorted(env, key=lambda k: (k.startswith("HTTP_"), "." in k, k)):
        lines.append(f"  {key} = {env[key]!r}")
    settings_db = connection.settings_dict
    lines += [
        "",
        "Nothing in environ is about the database: the application reaches it through Django's",
        f"ORM, configured by DATABASES: {connection.vendor} ({settings_db.get('HOST') or settings_db['NAME']}).",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
