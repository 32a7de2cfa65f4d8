from django.urls import path

from search import views

urlpatterns = [
    path("suche/", views.search, name="search"),
    path("api/suche/", views.api_search, name="search_api"),
]
