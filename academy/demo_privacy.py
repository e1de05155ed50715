"""Demo: the privacy notice's first version (Simplified Chinese original and its English version;
Traditional Chinese readers get the original converted), accepted by every demo account so the
demo never asks, and the demo lecturers' consent to be listed in the directory.

Idempotent: nothing is created twice, and a choice someone made in the demo since (a listing
withdrawn, say) is never overwritten.
"""

from __future__ import annotations

import datetime

from wagtail.models import Locale

from . import localisation, privacy
from .models import ConsentRecord, LecturerProfile, PrivacyNotice, User

EFFECTIVE = datetime.date(2026, 1, 1)

BODY_ZH = """
<h2>我们是谁</h2>
<p>服务商学院由平台生态团队运营。本政策说明学院在您注册、学习、参加活动、考试和认证时处理哪些个人信息、为什么处理、保存多久，以及您如何行使权利。</p>
<h2>我们收集的信息</h2>
<ul>
<li>账号：姓名、电子邮箱、密码（仅存加密摘要）、界面语言。</li>
<li>公司：您所属的服务商公司、在公司中的角色、加入申请。</li>
<li>学习与认证：选课和学习进度、考试作答与成绩、证书。</li>
<li>活动：报名、候补、签到和出席记录、对讲师的评价。</li>
<li>讲师资料（仅讲师）：简介、城市、专长、照片。</li>
</ul>
<h2>为什么处理</h2>
<p>为提供您申请的课程、活动和认证服务（履行合同所必需），为签发可验证的证书，以及为保障学院的安全运行。营销邮件和在讲师名录、服务商展示中公开您的资料，只在您单独同意后进行，您可随时在“我的学院”撤回。</p>
<h2>保存多久</h2>
<p>账号存续期间保存账号信息。会话、发信记录和通知记录按学院的保存期限定期删除；已签发证书的登记号在注销后仍可查询为“已撤销”，但不再显示您的姓名。</p>
<h2>您的权利</h2>
<p>您可以在“我的学院”查看和更正个人资料、下载您的数据、撤回可选同意，或申请注销账号。联系邮箱：academy@example.com。</p>
"""

BODY_EN = """
<h2>Who we are</h2>
<p>Provider Academy is run by the platform's ecosystem team. This notice says what personal information the academy handles when you sign up, learn, attend events, take exams and get certified, why, for how long, and how you exercise your rights.</p>
<h2>What we collect</h2>
<ul>
<li>Account: name, e-mail address, password (stored only as a hash), interface language.</li>
<li>Company: the provider company you belong to, your role in it, requests to join.</li>
<li>Learning and certification: enrolments and progress, exam answers and results, certificates.</li>
<li>Events: registrations, waitlist places, check-in and attendance, ratings of lecturers.</li>
<li>Lecturer profile (lecturers only): biography, city, specialties, photo.</li>
</ul>
<h2>Why</h2>
<p>To provide the courses, events and certification you ask for (necessary for the contract), to issue certificates anyone can verify, and to keep the academy secure. Marketing e-mail and showing your profile in the lecturer directory and the provider showcase happen only with your separate consent, which you can withdraw in My academy at any time.</p>
<h2>How long</h2>
<p>Account information is kept while the account exists. Sessions, e-mail logs and notification records are deleted on the academy's retention schedule; a certificate's serial number still answers "revoked" after the account is closed, without your name.</p>
<h2>Your rights</h2>
<p>In My academy you can see and correct your profile, download your data, withdraw optional consents, or ask to close your account. Contact: academy@example.com.</p>
"""


def seed(stdout=None) -> None:
    original = Locale.objects.get(language_code=localisation.default_language())
    notice = PrivacyNotice.objects.filter(locale=original, version=1).first()
    if notice is None:
        notice = PrivacyNotice.objects.create(
            locale=original,
            version=1,
            material_change=True,
            effective_date=EFFECTIVE,
            summary_of_changes="首个版本。",
            body=BODY_ZH.strip(),
        )
        if stdout is not None:
            stdout.write("Created the privacy notice, version 1.")
    english = Locale.objects.filter(language_code="en").first()
    if english is not None and not notice.has_translation(english):
        version = notice.copy_for_translation(english)
        version.summary_of_changes = "The first version."
        version.body = BODY_EN.strip()
        version.save()

    accepted = set(
        ConsentRecord.objects.filter(
            kind=privacy.Kind.PRIVACY_NOTICE, granted=True, notice_version__gte=1
        ).values_list("user_id", flat=True)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            user_id=pk,
            kind=privacy.Kind.PRIVACY_NOTICE,
            granted=True,
            notice_version=1,
            source=privacy.Source.DEMO,
        )
        for pk in User.objects.exclude(pk__in=accepted).values_list("pk", flat=True)
    )
    # Demo lecturers agreed to be listed, unless they have since said otherwise in the demo.
    decided = set(
        ConsentRecord.objects.filter(kind=privacy.Kind.PROFILE_LISTING).values_list(
            "user_id", flat=True
        )
    )
    for lecturer in LecturerProfile.objects.exclude(user_id__in=decided).select_related("user"):
        privacy.set_consent(
            lecturer.user, privacy.Kind.PROFILE_LISTING, True, source=privacy.Source.DEMO
        )
