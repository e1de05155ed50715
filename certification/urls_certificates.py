"""Certificate pages people read (inside i18n_patterns): verification, programmes, a holder's
certificates and the lecturer directory."""

from django.urls import path

from .views import course_certificates, directory, programmes, sharing, verify

urlpatterns = [
    path("verify/", verify.verify_index, name="verify_index"),
    path("verify/upload/", verify.verify_upload, name="verify_upload"),
    path("verify/<str:serial>/", verify.verify_certificate, name="verify_certificate"),
    path("programmes/", programmes.programme_list, name="programme_list"),
    path("programmes/<str:slug>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<str:slug>/apply/", programmes.programme_apply, name="programme_apply"),
    path("certificates/name/", programmes.certificate_name, name="certificate_name"),
    path(
        "certificates/course/<str:serial>/download/",
        course_certificates.course_certificate_download,
        name="course_certificate_download",
    ),
    path("certificates/<str:serial>/", programmes.certificate_detail, name="certificate_detail"),
    path(
        "certificates/<str:serial>/language/",
        programmes.certificate_language,
        name="certificate_language",
    ),
    path(
        "certificates/<str:serial>/download/",
        programmes.certificate_download,
        name="certificate_download",
    ),
    path("credentials/<str:slug>/", sharing.holder_credentials, name="holder_credentials"),
    path("lecturers/", directory.lecturer_directory, name="lecturer_directory"),
    path("lecturers/<int:pk>/", directory.lecturer_profile, name="lecturer_profile"),
]
