"""System checks that keep the project's own rules from drifting."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def csp_has_no_unsafe_inline(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    policy: dict[str, Any] = settings.SECURE_CSP
    for directive, sources in policy.items():
        for source in sources:
            text = str(source)
            if "unsafe-inline" in text or "unsafe-eval" in text:
                errors.append(
                    checks.Error(
                        f"SECURE_CSP {directive} allows {text}; Vigil never loads inline code.",
                        id="vigil.E010",
                    )
                )
            elif text.startswith(("http:", "https:", "//")) or text == "*":
                errors.append(
                    checks.Error(
                        f"SECURE_CSP {directive} allows another host ({text}); Vigil loads "
                        "nothing from other hosts.",
                        id="vigil.E011",
                    )
                )
    return errors
