"""Security headers for responses that never reach the page middleware."""

# Responses that never reach the page middleware (the health check, static files)
# carry these: no content sniffing, no framing, nothing loaded from them.
BASELINE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
}


def static_file_headers(headers, path, url):
    """``WHITENOISE_ADD_HEADERS_FUNCTION``: the baseline headers on static files."""
    for name, value in BASELINE_HEADERS.items():
        headers.setdefault(name, value)
