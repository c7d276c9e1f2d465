"""The reference deployment in docs/deploy/ is checked by the tools that run it:
``systemd-analyze verify`` for the units and ``nginx -t`` for the proxy (both Debian
packages; scripts/bootstrap --test installs them).  A tool that is missing skips its test."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "docs" / "deploy"
VIGIL = str(Path(sys.executable).parent / "vigil")
UNITS = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])


def test_the_deployment_has_its_parts() -> None:
    names = {p.name for p in DEPLOY.iterdir()}
    wanted = {"vigil-web.service", "vigil-worker.service", "vigil-backup.service",
              "vigil-backup.timer", "nginx.conf", "vigil.env.example", "README.md"}  # fmt: skip
    assert wanted <= names


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_units_verify(tmp_path: Path) -> None:
    for unit in UNITS:
        # The units name the installed program; here it is this checkout's.
        text = unit.read_text().replace("/srv/vigil/app/.venv/bin/vigil", VIGIL)
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    # verify exits 0 on a mistyped setting too; anything it says is a finding.
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx missing")
def test_nginx_configuration_is_valid(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vigil.example.org")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    site = (DEPLOY / "nginx.conf").read_text().replace("/etc/ssl/vigil", str(tmp_path))
    (tmp_path / "vigil.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include {tmp_path}/vigil.conf;\n}}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert not re.search(r"\[(warn|emerg)\]", result.stderr), result.stderr
