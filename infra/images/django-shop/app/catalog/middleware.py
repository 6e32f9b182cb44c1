"""Marks every response the application produced with the process that produced it."""
import os

from django.db import connection


def served_by(get_response):
    def middleware(request):
        response = get_response(request)
        # Which worker process ran this request, and which database the ORM talks to. Nginx
        # passes these headers on; a file nginx serves from disk has neither.
        response["X-Shop-Pid"] = str(os.getpid())
        response["X-Shop-Database"] = connection.vendor
        return response

    return middleware
