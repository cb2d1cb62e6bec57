"""The admin console's pages (placeholder until written)."""

from fastapi import APIRouter

router = APIRouter(prefix="/admin", include_in_schema=False)
