"""Language-neutral certificate URLs (outside i18n_patterns: no prefix, no redirect): the
registry's JSON, the Open Badges credential (as a VC-JWT and baked in a PNG), the share images,
the status lists, the issuer profile and its published key."""

from django.urls import path

from .views import sharing, verify

urlpatterns = [
    path("verify/issuer.json", verify.issuer, name="verify_issuer"),
    path(
        "verify/<str:serial>.json", verify.verify_certificate_json, name="verify_certificate_json"
    ),
    path("verify/<str:serial>.jwt", verify.verify_credential, name="verify_credential"),
    path("verify/<str:serial>.png", sharing.baked_badge, name="baked_badge"),
    path("share/<str:serial>/<str:size>.png", sharing.share_image, name="share_image"),
    path("verify/status/<str:number>", verify.status_list, name="verify_status_list"),
    path("verify/keys/<str:thumbprint>", verify.public_key, name="certificate_key"),
    path(".well-known/jwks.json", verify.jwks, name="certificate_jwks"),
]
