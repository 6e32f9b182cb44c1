"""The shop's WSGI entry point: the callable a WSGI server (gunicorn, uWSGI, wsgiref) calls.

`application(environ, start_response)` is all a WSGI server needs. Run it, unchanged, with
    gunicorn --chdir /srv/shop shop.wsgi:application
    uwsgi --plugin python3 --chdir /srv/shop --module shop.wsgi:application ...
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()
