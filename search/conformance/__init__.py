"""django-modelsearch's own ``BackendTests`` against the Whoosh backend (``make conformance``).

Not part of pytest's collection (``testpaths = ["tests"]``): it needs modelsearch's test app
and the fixture in ``$OM_SHARED_DIR/conformance`` (default ``../shared``).
"""
