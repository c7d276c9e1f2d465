"""Demo accounts, one per role.  Development only: the passwords are printed for everybody."""

from __future__ import annotations

from collections.abc import Iterator

from .models import SealedTOTPDevice, User
from .roles import SCOPED_ROLES, Role
from .selectors import totp_secret_base32
from .services import assign_role, create_user, enrol_totp_with_key

DEMO_PASSWORD = "vigil-demo-password"  # noqa: S105  (printed on purpose: demo only)
#: Fixed so that the demo's authenticator can be set up once and keeps working after a reset.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

DEMO_PEOPLE = [
    ("staff@vigil.example", "Ирина Соколова", Role.STAFF),
    ("admin@vigil.example", "Admin Adminov", Role.ADMIN),
    ("member@vigil.example", "Павел Орлов", Role.MEMBER),
    ("supporter@vigil.example", "Sam Supporter", Role.SUPPORTER),
    ("translator@vigil.example", "Анна Переводчикова", Role.TRANSLATOR),
    ("editor@vigil.example", "Олег Редактор", Role.DIRECTORY_EDITOR),
]


def load() -> Iterator[str]:
    for email, name, role in DEMO_PEOPLE:
        user = User.objects.get_by_email(email)
        if user is None:
            user = create_user(email=email, password=DEMO_PASSWORD, name=name)
        if role not in SCOPED_ROLES:
            assign_role(user, role)
        if user.needs_two_factor:
            enrol_totp_with_key(user, DEMO_TOTP_KEY)
    staff = User.objects.get(email_index=User.objects.email_index("staff@vigil.example"))
    device = SealedTOTPDevice.objects.get(user=staff)
    yield f"Demo accounts (password for all: {DEMO_PASSWORD}):"
    for email, _name, role in DEMO_PEOPLE:
        yield f"  {email:28} {Role(role).label}"
    yield (
        "Staff and admin sign in with a second factor: add the key "
        f"{totp_secret_base32(device)} to an authenticator app, or print the current code "
        "with: .venv/bin/vigil demo_totp staff@vigil.example"
    )
