"""A private Dovecot IMAP server for the tests: its own config, certificate, users, mail and
runtime directories in a temporary folder, on free ports, never the system instance."""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

HOST = "127.0.0.1"
PASSWORD = "imap-test-password"
START_TIMEOUT_SECONDS = 10.0
USERS = 100


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _self_signed(cert: Path, key: Path) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "minidesk test IMAP")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST)),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )  # fmt: skip
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip


class Dovecot:
    """``tls=True``: STARTTLS on ``port`` and implicit TLS on ``tls_port``, plaintext login
    refused. ``tls=False``: a plaintext-only server (no STARTTLS at all)."""

    def __init__(self, tls: bool = True) -> None:
        self.tls = tls
        # Not under pytest's tmp: that is private to us, and Dovecot's own users must get in.
        self.root = Path(tempfile.mkdtemp(prefix="minidesk-dovecot-"))
        self.root.chmod(0o755)
        self.conf = self.root / "dovecot.conf"
        self.cert = self.root / "cert.pem"
        self.passwd = self.root / "passwd"
        self.log = self.root / "dovecot.log"
        self.port = _free_port()
        self.tls_port = _free_port()
        self._users = itertools.count(1)
        if os.geteuid() == 0:
            # Dovecot refuses mail access as root; its packaged users run it unprivileged.
            mail_user, internal, login = pwd.getpwnam("dovecot"), "dovecot", "dovenull"
        else:
            mail_user = pwd.getpwuid(os.getuid())
            internal = login = mail_user.pw_name
        self.uid, self.gid = mail_user.pw_uid, mail_user.pw_gid
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", self.uid, self.gid)
        # All users up front: Dovecot notices a changed passwd-file by its mtime, which a
        # second user added within the same second would not change.
        self.passwd.write_text("".join(
            f"user{n}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{self.root}/mail/user{n}::\n"
            for n in range(1, USERS + 1)
        ))  # fmt: skip
        _self_signed(self.cert, self.root / "key.pem")
        self.conf.write_text(self._config(internal, login))

    def _config(self, internal: str, login: str) -> str:
        root = self.root
        if self.tls:
            ssl_lines = f"ssl = required\nssl_cert = <{self.cert}\nssl_key = <{root}/key.pem\n"
            tls_listener = (
                f"  inet_listener imaps {{\n    port = {self.tls_port}\n    ssl = yes\n  }}\n"
            )
        else:
            ssl_lines, tls_listener = "ssl = no\ndisable_plaintext_auth = no\n", ""
        chroot = "" if os.geteuid() == 0 else "  chroot =\n"
        return f"""\
protocols = imap
listen = {HOST}
base_dir = {root}/run
state_dir = {root}/state
log_path = {self.log}
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {self.uid}
auth_failure_delay = 0
mail_location = maildir:~/Maildir
{ssl_lines}
passdb {{
  driver = passwd-file
  args = {self.passwd}
}}
userdb {{
  driver = passwd-file
  args = {self.passwd}
}}
service imap-login {{
{chroot}  inet_listener imap {{
    port = {self.port}
  }}
{tls_listener}}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def start(self) -> Dovecot:
        # The daemon keeps whatever stdout it inherits open: never hand it a pipe to wait on.
        subprocess.run(["dovecot", "-c", str(self.conf)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        ports = [self.port, self.tls_port] if self.tls else [self.port]
        while True:
            try:
                for port in ports:
                    socket.create_connection((HOST, port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dovecot did not start: {self.log.read_text()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        subprocess.run(["doveadm", "-c", str(self.conf), "stop"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self) -> str:
        """A new mailbox of its own for one test."""
        number = next(self._users)
        assert number <= USERS, "raise USERS in tests/email/dovecot.py"
        return f"user{number}"

    def client(self, user: str) -> IMAPClient:
        """Log in as ``user`` (to put mail in and look at the mailbox as its owner would)."""
        if self.tls:
            context = ssl.create_default_context(cafile=str(self.cert))
            client = IMAPClient(HOST, self.tls_port, ssl=True, ssl_context=context, timeout=10)
        else:
            client = IMAPClient(HOST, self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client

    def deliver(self, user: str, *raws: bytes, folder: str = "INBOX") -> None:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in raws:
                client.append(folder, raw)

    def logins(self) -> int:
        return self.log.read_text().count("Login: user=")
