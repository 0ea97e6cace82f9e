"""API routes of the victims app, under /api/v1/ (see register.api_urls.api_path)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
