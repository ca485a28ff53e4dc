"""REST API routers.

Each module holds one area's ``router`` (``auth`` also a ``public_router``
that answers without a token); :func:`shotline.app.create_app` mounts them.
"""
