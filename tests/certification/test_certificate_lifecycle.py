"""Revocation, expiry and reminders (time travel), renewal, reissue on a name correction, the
audit log, and the teaching authorisations written onto the lecturer's record."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from academy.models import LecturerProfile
from certification.models import AuditEntry, Certificate
from certification.services import issuing
from certification.tasks import daily_certificate_lifecycle
from tests.certification.factories_programmes import (  # noqa: F401
    award,
    lecturer,
    make_exam,
    officer,
    pass_exam,
    signing_key_dir,
    signing_keys,
    simple_programme,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_keys")]


def test_revocation_needs_a_reason_and_is_audited():
    certificate = award(UserFactory(), simple_programme())
    by = officer()
    with pytest.raises(issuing.ReasonRequired):
        issuing.revoke_certificate(certificate, by=by, reason="")
    issuing.revoke_certificate(certificate, by=by, reason="授课内容违规")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED and certificate.revoked_at
    entry = AuditEntry.objects.get(action="revoked")
    assert (entry.actor, entry.certificate, entry.reason) == (by, certificate, "授课内容违规")
    with pytest.raises(issuing.NotCurrent):
        issuing.revoke_certificate(certificate, by=by, reason="again")


def test_revoked_holder_is_not_reissued_automatically():
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory()
    pass_exam(user, exam)
    certificate = issuing.issue_certificate(user, programme).certificate
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    again = issuing.issue_certificate(user, programme)
    assert not again.created and again.certificate.pk == certificate.pk


def test_authorisations_follow_valid_certificates():
    profile = lecturer()
    certificate = award(profile.user, simple_programme(topics="小程序电商, 微信支付"))
    profile.refresh_from_db()
    assert profile.authorised_topics == ["小程序电商", "微信支付"]
    issuing.revoke_certificate(certificate, by=officer(), reason="违规")
    assert LecturerProfile.objects.get(pk=profile.pk).authorised_topics == []


def test_reminders_60_30_7_days_then_expiry(django_capture_on_commit_callbacks):
    holder = UserFactory()
    certificate = award(holder, simple_programme(validity_months=12))
    mail.outbox.clear()
    expires = certificate.expires_at
    sent = []
    for days_before in (61, 59, 45, 29, 20, 6, 3):
        with (
            time_machine.travel(expires - timedelta(days=days_before), tick=False),
            django_capture_on_commit_callbacks(execute=True),  # the reminders leave the outbox
        ):
            daily_certificate_lifecycle()
        sent.append(len(mail.outbox))
    # One reminder when crossing 60, 30 and 7 days; nothing in between.
    assert sent == [0, 1, 1, 2, 2, 3, 3]
    assert all(message.to == [holder.email] for message in mail.outbox)
    with time_machine.travel(expires + timedelta(hours=1), tick=False):
        result = daily_certificate_lifecycle()
    assert result["expired"] == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
    assert AuditEntry.objects.filter(action="expired", certificate=certificate).exists()


def test_missed_reminders_do_not_arrive_out_of_order(django_capture_on_commit_callbacks):
    certificate = award(UserFactory(), simple_programme(validity_months=12))
    mail.outbox.clear()
    with (
        time_machine.travel(certificate.expires_at - timedelta(days=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        daily_certificate_lifecycle()
        daily_certificate_lifecycle()
    assert len(mail.outbox) == 1
    certificate.refresh_from_db()
    assert certificate.reminders_sent == [7, 30, 60]


def test_renewal_in_the_window_starts_a_new_cycle_from_the_old_expiry():
    exam = make_exam()
    programme = simple_programme(exam, validity_months=24, renewal_window_days=90)
    user = UserFactory()
    pass_exam(user, exam)
    first = issuing.issue_certificate(user, programme).certificate
    assert not issuing.issue_certificate(user, programme).created  # not in the window yet
    with time_machine.travel(first.expires_at - timedelta(days=30), tick=False):
        renewed = issuing.issue_certificate(user, programme)
    assert renewed.created
    new = renewed.certificate
    first.refresh_from_db()
    assert (new.cycle, first.status, first.superseded_by) == (2, "superseded", new)
    assert new.expires_at.year == first.expires_at.year + 2
    assert new.origin == Certificate.Origin.RENEWAL


def test_daily_job_renews_qualifying_holders_inside_the_window():
    exam = make_exam()
    programme = simple_programme(exam, renewal_window_days=45)
    qualified, lapsed = UserFactory(), UserFactory()
    pass_exam(qualified, exam)
    first = issuing.issue_certificate(qualified, programme).certificate
    other = award(lapsed, programme)  # manual award: does not meet the exam requirement
    with time_machine.travel(first.expires_at - timedelta(days=50), tick=False):
        assert daily_certificate_lifecycle()["renewed"] == 0  # outside the window
    with time_machine.travel(first.expires_at - timedelta(days=40), tick=False):
        assert daily_certificate_lifecycle()["renewed"] == 1
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.status == "superseded" and first.superseded_by.cycle == 2
    assert other.status == "valid"


def test_one_holders_failure_is_logged_and_does_not_stop_the_daily_renewals(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from smtplib import SMTPServerDisconnected

    exam = make_exam()
    programme = simple_programme(exam, renewal_window_days=45)
    unlucky, lucky = UserFactory(), UserFactory()
    for user in (unlucky, lucky):
        pass_exam(user, exam)
    first = issuing.issue_certificate(unlucky, programme).certificate
    second = issuing.issue_certificate(lucky, programme).certificate
    publish = issuing.publish

    def mail_server_drops_one(certificate, **kwargs):
        if certificate.holder_id == unlucky.pk:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return publish(certificate, **kwargs)

    monkeypatch.setattr(issuing, "publish", mail_server_drops_one)
    mail.outbox.clear()
    with (
        time_machine.travel(second.expires_at - timedelta(days=40), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = daily_certificate_lifecycle()
    assert result["renewed"] == 1
    second.refresh_from_db()
    assert second.status == "superseded" and second.superseded_by.cycle == 2
    assert f"renew certificates: <Certificate: {first.serial}" in caplog.text
    assert "failed; left for the next run" in caplog.text
    assert "SMTPServerDisconnected" in caplog.text
    # The batch went on after the failure: the other holder got the renewed certificate's mail.
    assert [m.to for m in mail.outbox] == [[lucky.email]]


def test_expired_holder_who_qualifies_again_gets_a_new_cycle():
    exam = make_exam()
    programme = simple_programme(exam)
    user = UserFactory()
    pass_exam(user, exam)
    first = issuing.issue_certificate(user, programme).certificate
    Certificate.objects.filter(pk=first.pk).update(status="expired")
    second = issuing.issue_certificate(user, programme)
    assert second.created and second.certificate.cycle == 2


def test_reissue_on_name_correction_supersedes_and_keeps_dates():
    certificate = award(UserFactory(display_name="陈思远"), simple_programme())
    new = issuing.reissue_certificate(
        certificate, by=officer(), reason="身份证姓名更正", holder_name="陳思遠"
    )
    certificate.refresh_from_db()
    assert certificate.status == "superseded" and certificate.superseded_by == new
    assert (new.version, new.cycle, new.holder_name) == (2, 1, "陳思遠")
    assert new.expires_at == certificate.expires_at
    assert new.serial != certificate.serial and new.pdf_sha256 != certificate.pdf_sha256
    assert AuditEntry.objects.filter(action="reissued", certificate=new).exists()


def test_holder_certificate_page_has_linkedin_link(client):
    holder = UserFactory()
    certificate = award(holder, simple_programme())
    client.force_login(holder)
    html = client.get(f"/certificates/{certificate.serial}/").content.decode()
    assert "https://www.linkedin.com/profile/add?" in html
    assert f"certId={certificate.serial}" in html
    assert f"issueYear={timezone.localtime(certificate.issued_at).year}" in html


def test_the_linkedin_link_has_local_months_and_the_readers_script():
    from urllib.parse import parse_qs, urlsplit

    from django.utils import translation

    from certification.views.programmes import linkedin_url

    certificate = award(UserFactory(), simple_programme())
    certificate.programme.title = "認證講師 · 小程序電商"
    # 1 December, 01:00 in Shanghai: still November in UTC.
    certificate.issued_at = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    certificate.expires_at = datetime(2028, 11, 30, 17, 0, tzinfo=UTC)
    with translation.override("zh-hans"):
        params = parse_qs(urlsplit(linkedin_url(certificate)).query)
    assert params["name"] == ["认证讲师 · 小程序电商"]
    assert (params["issueYear"], params["issueMonth"]) == (["2026"], ["12"])
    assert (params["expirationYear"], params["expirationMonth"]) == (["2028"], ["12"])
