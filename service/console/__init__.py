"""The coordinator console: web pages served by the same FastAPI app."""
