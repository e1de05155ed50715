"""Benchmark certificate PDFs: drawing alone, drawing + signing, and a 2-process batch.

    .venv/bin/python bench/certificates.py             # 500 certificates with Chinese names
    .venv/bin/python bench/certificates.py -n 100 --workers 2

Uses the production code paths (certification.pdf.render, certification.signing.sign_pdf) with a
throw-away development CA and ECDSA P-256 signing key in a temporary directory, so it needs no
database. Every name is different (random CJK characters plus a Latin part), so each PDF embeds
its own font subset, as real certificates do. Prints per-certificate milliseconds (mean, p50,
p95) and the throughput of a batch over N worker processes (certificates per second).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from io import StringIO
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳司马"
GIVEN = "思远晓明娜伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红燕鹏宇浩然子轩梓涵一诺欣怡雨桐佳琪俊杰博文嘉怡皓轩語彤詩涵宸睿澤瑾瑜"


def setup(key_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    os.environ["CERT_SIGNING_KEY"] = f"{key_dir}/signer.key.pem"
    os.environ["CERT_SIGNING_CERT"] = f"{key_dir}/signer.cert.pem"
    os.environ["CERT_SIGNING_CHAIN"] = f"{key_dir}/ca.cert.pem"
    import django

    django.setup()


def contents(n: int, seed: int = 7):
    from certification.pdf import CertificateContent
    from certification.serials import new_serial

    rng = random.Random(seed)
    issued = datetime(2026, 11, 26, 10, 0)
    for index in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        serial = new_serial()
        yield CertificateContent(
            serial=serial,
            holder_name=f"{name} Lecturer{index}",
            programme_title="認證講師 · 小程序電商",
            programme_title_en="Certified Lecturer · Mini-program E-commerce",
            level="certified",
            issued_at=issued,
            expires_at=issued + timedelta(days=730),
            issuer="服务商学院 Provider Academy",
            verify_url=f"https://academy.example.com/verify/{serial}/",
            signatory_name="郑认证",
            signatory_title="认证委员会主任 · Head of Certification",
        )


def _stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return (
        f"mean {statistics.fmean(samples):6.1f} ms   p50 {statistics.median(samples):6.1f} ms"
        f"   p95 {p95:6.1f} ms"
    )


def _worker(args) -> int:
    key_dir, n, seed = args
    setup(key_dir)
    from certification import pdf, signing

    for content in contents(n, seed):
        signing.sign_pdf(pdf.render(content))
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="certificates (default 500)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the batch")
    options = parser.parse_args()

    key_dir = tempfile.mkdtemp(prefix="bench-signing-")
    setup(key_dir)
    from django.core.management import call_command

    from certification import pdf, signing

    call_command("create_signing_keys", stdout=StringIO())
    batch = list(contents(options.n))
    # Warm-up: font registration, key loading, imports.
    signing.sign_pdf(pdf.render(batch[0]))

    draw, both, sizes = [], [], []
    for content in batch:
        start = time.perf_counter()
        document = pdf.render(content)
        drawn = time.perf_counter()
        signed = signing.sign_pdf(document)
        done = time.perf_counter()
        draw.append((drawn - start) * 1000)
        both.append((done - start) * 1000)
        sizes.append(len(signed))

    per_worker = [options.n // options.workers] * options.workers
    per_worker[0] += options.n - sum(per_worker)
    context = get_context("fork")
    with context.Pool(options.workers) as pool:
        pool.map(_worker, [(key_dir, 1, 99)] * options.workers)  # warm each process
        start = time.perf_counter()
        made = sum(pool.map(_worker, [(key_dir, k, i) for i, k in enumerate(per_worker)]))
        elapsed = time.perf_counter() - start

    print(f"{options.n} certificates, Chinese names, A4 landscape, QR code, wqy-microhei subset")
    print(f"  draw only          {_stats(draw)}")
    print(f"  draw + sign        {_stats(both)}")
    print(
        f"  signing alone      mean {statistics.fmean(b - d for b, d in zip(both, draw, strict=False)):6.1f} ms"
    )
    print(f"  signed PDF size    mean {statistics.fmean(sizes) / 1024:.1f} KB")
    print(
        f"  batch, {options.workers} processes: {made} in {elapsed:.2f} s = "
        f"{made / elapsed:.1f} signed certificates/s  (1 process: {1000 / statistics.fmean(both):.1f}/s)"
    )
    print(f"  CPU cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
