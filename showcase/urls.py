"""Showcase URLs, included by academy/urls.py inside i18n_patterns:

path("", include("showcase.urls")),   # /providers/… and /my-academy/team/showcase/…
"""

from django.urls import path

from . import views

app_name = "showcase"
urlpatterns = [
    path("providers/", views.directory, name="directory"),
    path("providers/privacy/", views.privacy, name="privacy"),
    path("providers/<slug:slug>/", views.profile, name="profile"),
    path("providers/<slug:slug>/enquire/", views.enquiry_form, name="enquiry_form"),
    path("providers/<slug:slug>/enquire/send/", views.enquiry_send, name="enquiry_send"),
    path("providers/<slug:slug>/enquire/sent/", views.enquiry_sent, name="enquiry_sent"),
    path("my-academy/team/showcase/", views.team_profile, name="team_profile"),
    path("my-academy/team/showcase/services/new/", views.team_service, name="team_service_new"),
    path("my-academy/team/showcase/services/<int:pk>/", views.team_service, name="team_service"),
    path(
        "my-academy/team/showcase/services/<int:pk>/delete/",
        views.team_service_delete,
        name="team_service_delete",
    ),
    path("my-academy/team/enquiries/", views.team_enquiries, name="team_enquiries"),
    path("my-academy/team/enquiries/<int:pk>/", views.team_enquiry, name="team_enquiry"),
    path("my-academy/team/partners/", views.team_needs, name="team_needs"),
    path("my-academy/team/partners/<int:pk>/", views.team_need, name="team_need"),
]
