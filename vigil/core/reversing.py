"""``reverse()`` remembered: the address of a named page, computed once per process for each
language, script prefix and URLconf.

Reversing walks the whole URLconf (with the language prefixes of ``i18n_patterns``) and costs
more CPU than most of what a signing request does; the answer depends only on its arguments
and on what is part of the key here, so it is kept."""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from .memo import memoised


def cached_reverse(viewname: str, *args: str | int) -> str:
    """``reverse(viewname, args=args)`` in the active language, remembered."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(viewname, args, get_language(), get_script_prefix(), urlconf)


@memoised(
    "core.reversing",
    keeps="the address of each named page, language, script prefix and URLconf",
    bound=4096,
)
def _reverse(
    viewname: str, args: tuple[str | int, ...], language: str | None, prefix: str, urlconf: str
) -> str:
    # The language and prefix in the key are the active ones: reverse() reads them itself.
    return reverse(viewname, urlconf=urlconf, args=args)
