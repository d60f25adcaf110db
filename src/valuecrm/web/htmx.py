"""HTMX conventions: a request from HTMX gets the `_partial` template, everything else the
full page, and responses say so in `Vary` so caches never mix the two."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_partial(request) -> bool:
    # A history restore after a cache miss needs the whole page, not the fragment.
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render_page(request, template: str, context: dict, *, partial: str | None = None, status=200):
    """Render `template`, or `partial` (default: `<template>_partial.html`) for HTMX."""
    if is_partial(request):
        template = partial or template.replace(".html", "_partial.html")
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
