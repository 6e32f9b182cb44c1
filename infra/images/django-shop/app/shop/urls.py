"""The shop's URLs: the product list, a deliberately slow page, and the WSGI environ."""
from django.urls import include, path

urlpatterns = [
    path("", include("catalog.urls")),
]
