"""Sign certificate PDFs with pyHanko: PAdES baseline B-B, SHA-256, the key and chain in settings
(CERT_SIGNING_KEY / CERT_SIGNING_CERT / CERT_SIGNING_CHAIN, PEM).

Speed (stack-notes §3): the stock SimpleSigner reloads and re-validates the private key for
every signature and signs twice to estimate the size. The signer here loads the key once per
process and reserves a fixed space for the CMS, so a signature costs one key operation.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from academy.site_url import site_url

FIELD_NAME = "AcademySignature"
# Room for the CMS of an ECDSA or RSA-3072 signer plus its chain; hex doubles it in the file.
BYTES_RESERVED = 8192


class SigningNotConfigured(Exception):
    """The configured key or certificate files are missing."""


class CachedKeySigner(signers.SimpleSigner):
    """A SimpleSigner that keeps the loaded private key instead of parsing it for every PDF."""

    def __init__(self, *, private_key, signing_key, signing_cert, cert_registry):
        super().__init__(
            signing_cert=signing_cert, signing_key=signing_key, cert_registry=cert_registry
        )
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism["algorithm"].native
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        key = self._private_key
        if algorithm in ("sha256_ecdsa", "sha384_ecdsa", "sha512_ecdsa", "ecdsa") and isinstance(
            key, ec.EllipticCurvePrivateKey
        ):
            return key.sign(data, ec.ECDSA(hash_algo))
        if algorithm in ("rsassa_pkcs1v15", "sha256_rsa") and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hash_algo)
        # Other mechanisms (PSS, EdDSA…) take pyHanko's own path, key parsing included.
        return super().sign_raw(data, digest_algorithm)


def key_paths() -> tuple[Path, Path, Path]:
    return (
        Path(settings.CERT_SIGNING_KEY),
        Path(settings.CERT_SIGNING_CERT),
        Path(settings.CERT_SIGNING_CHAIN),
    )


@lru_cache(maxsize=4)
def _signer_for(key_path: str, cert_path: str, chain_path: str, _mtime: float) -> CachedKeySigner:
    key_pem = Path(key_path).read_bytes()
    private_key = serialization.load_pem_private_key(key_pem, password=None)
    der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    chain = list(load_certs_from_pemder([chain_path])) if Path(chain_path).exists() else []
    return CachedKeySigner(
        private_key=private_key,
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        signing_cert=load_cert_from_pemder(cert_path),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def signer() -> CachedKeySigner:
    """The process's signer for the configured files (reloaded when the key file changes)."""
    key_path, cert_path, chain_path = key_paths()
    if not key_path.exists() or not cert_path.exists():
        raise SigningNotConfigured(
            f"No signing key at {key_path} / certificate at {cert_path}: "
            "run `python manage.py create_signing_keys` or set CERT_SIGNING_KEY/CERT."
        )
    return _signer_for(str(key_path), str(cert_path), str(chain_path), key_path.stat().st_mtime)


def outside_event_loop(function, *args, **kwargs):
    """Call `function` where asyncio.run() works: pyHanko's synchronous API starts its own event
    loop, which fails in a thread that already runs one (an async caller, Playwright's tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_pdf(pdf: bytes, *, reason: str = "", location: str = "") -> bytes:
    """`pdf` with an invisible PAdES signature covering the whole file."""
    return outside_event_loop(_sign_pdf, pdf, reason=reason, location=location)


def _sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or "Certificate issued by Provider Academy",
        location=location or site_url(),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = BytesIO()
    signers.PdfSigner(meta, signer()).sign_pdf(writer, output=output, bytes_reserved=BYTES_RESERVED)
    return output.getvalue()


def trust_roots() -> list:
    """The certificates a verifier trusts: the configured chain (root CA)."""
    _, _, chain_path = key_paths()
    if not chain_path.exists():
        return []
    return list(load_certs_from_pemder([str(chain_path)]))
