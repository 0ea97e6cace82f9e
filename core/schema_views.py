"""The schema and its browsable docs, served at /api/v1/schema/ and /api/v1/docs/.

Apart from core.schema, which DRF imports through its settings while its views load.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
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


class SwaggerView(_OptionsAsJson, SpectacularSwaggerView):
    pass
