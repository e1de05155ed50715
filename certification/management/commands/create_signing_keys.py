"""Create a development CA and certificate-signing key pair, unless the configured files exist.

Production points CERT_SIGNING_KEY / CERT_SIGNING_CERT / CERT_SIGNING_CHAIN at keys issued by a
real CA; this command only fills the development defaults under var/signing/ for `make run`.
"""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.core.management.base import BaseCommand

DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Provider Academy (development)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


class Command(BaseCommand):
    help = "Create a development signing CA and key pair for certificates (skips existing files)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace existing files.")

    def handle(self, *args, force=False, **options):
        key_path = Path(settings.CERT_SIGNING_KEY)
        cert_path = Path(settings.CERT_SIGNING_CERT)
        chain_path = Path(settings.CERT_SIGNING_CHAIN)
        if not force and key_path.exists() and cert_path.exists() and chain_path.exists():
            self.stdout.write(f"Signing keys present in {key_path.parent}.")
            return

        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("Provider Academy Development Root CA")
        ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ca_ski, critical=False)
            .sign(ca_key, hashes.SHA256())
        )

        signer_key = ec.generate_private_key(ec.SECP256R1())
        signer_cert = (
            x509.CertificateBuilder()
            .subject_name(_name("Provider Academy Certificate Signing (development)"))
            .issuer_name(ca_name)
            .public_key(signer_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                # pyHanko requires non-repudiation (content commitment) on document signers.
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=False,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )

        pem = serialization.Encoding.PEM
        _write(chain_path, ca_cert.public_bytes(pem))
        _write(cert_path, signer_cert.public_bytes(pem))
        _write(
            key_path,
            signer_key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            private=True,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Created development signing keys in {key_path.parent}.")
        )
