"""Who may do what on the supporter pages.  Loaded by django-rules' autodiscovery.

Signing up and confirming are public (the confirmation link is the proof); telling the
country one lives in is for the signed-in person, about themselves only.
"""

from __future__ import annotations

import rules

from vigil.core.permissions import is_authenticated

rules.add_perm("supporters.declare_country", is_authenticated)
