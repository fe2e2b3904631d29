"""``reverse`` remembered: the same name and arguments give the same path for
the life of the process, so pages that link to every lesson (or every patient
row) do not pay for the resolver walk each time.

The key holds everything ``reverse`` depends on besides its arguments: the
URLconf (tests may swap it), the script prefix and the current app.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=4096)
def _reverse(view_name, args, kwargs, current_app, urlconf, root, prefix) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def reverse_cached(view_name: str, args=(), kwargs=None, current_app=None) -> str:
    try:
        return _reverse(
            view_name,
            tuple(args),
            tuple(sorted((kwargs or {}).items())),
            current_app,
            get_urlconf(),
            settings.ROOT_URLCONF,
            get_script_prefix(),
        )
    except TypeError:  # an argument that cannot be a key (unhashable): no memo
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
