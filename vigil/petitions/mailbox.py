"""How often a public form may write to one mailbox.

The public forms answer every address alike, and what differs ("you already signed", "your
application is waiting", the link again) goes only to that mailbox.  Without a limit anyone
could make the site mail a stranger again and again, so such mails are counted per address
(its blind index, never the address) by the one throttle (``vigil.core.throttle``, the
``mailbox`` limits in ``settings.THROTTLES``): the first ones of a window go out, the rest
are dropped in silence.  Other apps (groups, events) call :func:`may_mail` too.
"""

from __future__ import annotations

from django.conf import settings

from vigil.core import throttle

#: Mails about an address's state, per address and window.
MAILS_PER_WINDOW = int(settings.THROTTLES["mailbox"]["address"][1])


def may_mail(address_index: str, *, scope: str) -> bool:
    """Count one mail about ``scope`` (a form: "sign", "join", "rsvp") to the mailbox whose
    blind index is ``address_index``; False once its share of this window is used up.  In the
    embedded mode the count joins the caller's transaction."""
    try:
        throttle.hit("mailbox", ip="", address=f"{scope}:{address_index}")
    except throttle.Throttled:
        return False
    return True
