"""Tables that third-party apps fill hold nothing personal either.

Issue 14, point 3: "the same for any other table a third-party app fills".  django-axes is
in ``test_sign_in_records.py``, sessions in its erasure test, django-otp in
``test_totp_sealed.py``, django-tasks in the canary.  Here: Django's admin log, which copies
``str(obj)`` (a person's name) into ``django_admin_log`` on every change in the back office.
"""

from __future__ import annotations

import pytest
from django.contrib.admin import site
from django.contrib.admin.models import LogEntry
from django.test import RequestFactory

from vigil.accounts.models import User
from vigil.audit.admin import AuditedAdminMixin
from vigil.core.fields import EncryptedTextField

pytestmark = pytest.mark.django_db


def test_every_back_office_page_of_peoples_data_is_audited() -> None:
    for model, admin in site._registry.items():
        if any(isinstance(f, EncryptedTextField) for f in model._meta.concrete_fields):
            assert isinstance(admin, AuditedAdminMixin), model._meta.label


def test_the_admin_log_copies_no_names(staff: User, member: User) -> None:
    request = RequestFactory().post("/")
    request.user = staff
    for model, admin in site._registry.items():
        if isinstance(admin, AuditedAdminMixin) and model is User:
            admin.log_addition(request, member, [{"added": {}}])
            admin.log_change(request, member, [{"changed": {"fields": ["name"]}}])
            admin.log_deletions(request, User.objects.filter(pk=member.pk))
    stored = " ".join(LogEntry.objects.values_list("object_repr", flat=True))
    assert member.name not in stored and member.email not in stored
