from django.urls import path

from . import views

urlpatterns = [
    path("", views.product_list, name="products"),
    path("products/", views.product_list),
    path("slow/", views.slow, name="slow"),
    path("wsgi/", views.wsgi_environ, name="wsgi"),
]
