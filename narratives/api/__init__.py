"""The JSON API: one NinjaAPI, one router per stage. Schema at /api/openapi.json."""

from ninja import NinjaAPI

from .articles import router as articles_router
from .auth import AUTH
from .compare import router as compare_router
from .errors import install_handlers
from .framing import router as framing_router

api = NinjaAPI(
    title="Narratives API",
    version="1.0",
    auth=AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
install_handlers(api)
api.add_router("", articles_router)
api.add_router("", compare_router)
api.add_router("", framing_router)
