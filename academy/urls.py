"""URL map. Language-neutral endpoints (/healthz, /verify, /api) sit outside i18n_patterns so they
answer without a prefix or a redirect; everything a person reads is under i18n_patterns with
Simplified Chinese unprefixed, /en/ and /zh-hant/ (design.md, "Contracts")."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import my_data_views, privacy_views, views
from .api import api_router

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v2/", api_router.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # Lesson video and audio for enrolled learners: range requests, captions, resume points.
    path("lesson-media/", include("courses.urls_media")),
    path("i18n/setlang/", set_language, name="set_language"),
    # The certificate registry's JSON, Open Badges credential and JWKS: language-neutral.
    path("", include("certification.urls_public")),
    # Read-only JSON of the provider directory and profiles, for the platform's mini-program.
    path("api/showcase/", include("showcase.urls_api")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("my-academy/", views.my_academy, name="my_academy"),
    path("my-academy/company/join/", views.company_join, name="company_join"),
    path("my-academy/company/register/", views.company_register, name="company_register"),
    path(
        "my-academy/company/requests/<int:pk>/withdraw/",
        views.join_request_withdraw,
        name="join_request_withdraw",
    ),
    # What the academy holds about the person, its download, their profile, closing the account.
    path("my-academy/my-data/", my_data_views.my_data_page, name="my_data"),
    path("my-academy/my-data/downloads/", my_data_views.export_request, name="my_data_export"),
    path(
        "my-academy/my-data/downloads/<int:pk>/",
        my_data_views.export_download,
        name="my_data_download",
    ),
    path("my-academy/profile/", my_data_views.profile_edit, name="profile_edit"),
    path("my-academy/close/", my_data_views.close_account, name="close_account"),
    path(
        "my-academy/close/cancel/", my_data_views.close_account_cancel, name="close_account_cancel"
    ),
    path(
        "my-academy/close/<str:token>/",
        my_data_views.close_account_link,
        name="close_account_link",
    ),
    path(
        "my-academy/lecturer-profile/",
        views.lecturer_profile_edit,
        name="lecturer_profile_edit",
    ),
    # A lecturer's sessions (sign-ups, attendance, ratings) on the teaching desk.
    path("my-academy/teaching/", include("events.urls_teaching")),
    # Learners' questions under lessons and case studies, answered by lecturers.
    path("questions/", include("courses.urls_questions")),
    # The privacy notice (every version), accepting a new one, and one's optional consents.
    path("privacy/", privacy_views.notice, name="privacy_notice"),
    path("privacy/v<int:version>/", privacy_views.notice, name="privacy_notice_version"),
    path("privacy/accept/", privacy_views.accept, name="privacy_accept"),
    path("my-academy/privacy/", privacy_views.my_privacy, name="my_privacy"),
    path(
        "my-academy/privacy/consents/<slug:kind>/",
        privacy_views.set_consent,
        name="privacy_set_consent",
    ),
    path("search/", views.search, name="search"),
    # Non-page event views (the calendar feed, the fast sign-up path); pages are Wagtail's.
    path("events/", include("events.urls")),
    # Taking certification exams (question banks and grading live in the Wagtail admin).
    path("exams/", include("certification.urls_exams")),
    # Verification pages, programmes, a holder's certificates, the lecturer directory.
    path("", include("certification.urls_certificates")),
    # The growth diagnosis (/diagnosis/…) and the provider team dashboard (/my-academy/team/…).
    path("", include("growth.urls")),
    # Provider profiles and the directory (/providers/…), and their team side (showcase).
    path("", include("showcase.urls")),
    # Wagtail serves every other path from the page tree: keep it last.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "academy.views.bad_request"
handler404 = "academy.views.page_not_found"
handler500 = "academy.views.server_error"
# allauth answers its own rate limits (sign-in, sign-up, password reset) with this view too.
handler429 = "academy.ratelimits.too_many_requests"
