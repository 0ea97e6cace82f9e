"""The schema and its browsable docs, served at /api/v1/schema/ and /api/v1/docs/.

Apart from core.schema, which DRF imports through its settings while its views load.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer


class _OptionsAsJson:
    """OPTIONS on the schema and docs answers JSON metadata, like every other endpoint."""

    request: Any

    def get_renderers(self) -> list[Any]:
        if self.request.method == "OPTIONS":
            return [JSONRenderer()]
        return super().get_renderers()  # type: ignore[misc, no-any-return]


class SchemaView(_OptionsAsJson, SpectacularAPIView):
    pass


# The split view serves its start-up script from a URL rather than inline, and our template
# moves its inline <style> to a static file, so the docs keep the strict CSP; Swagger UI's
# icons are data: images, allowed on this page alone.
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class SwaggerView(_OptionsAsJson, SpectacularSwaggerSplitView):
    template_name = "api_docs.html"
