"""Growth URLs, included by academy/urls.py inside i18n_patterns:

path("", include("growth.urls")),   # /diagnosis/… and /my-academy/team/…
"""

from django.urls import path

from . import views

app_name = "growth"
urlpatterns = [
    path("diagnosis/", views.diagnosis_home, name="diagnosis"),
    path("diagnosis/start/", views.diagnosis_start, name="diagnosis_start"),
    path("diagnosis/<int:pk>/result/", views.diagnosis_result, name="diagnosis_result"),
    path("diagnosis/<int:pk>/plan/", views.action_plan, name="action_plan"),
    path("diagnosis/<int:pk>/plan/adopt/", views.action_plan_adopt, name="action_plan_adopt"),
    path("diagnosis/<int:pk>/plan/edit/", views.action_plan_edit, name="action_plan_edit"),
    path("diagnosis/<int:pk>/<slug:direction>/", views.diagnosis_step, name="diagnosis_step"),
    path("my-academy/team/", views.team, name="team"),
    path("my-academy/team/export.csv", views.team_export, name="team_csv"),
    path(
        "my-academy/team/export.xlsx",
        views.team_export,
        {"spreadsheet_format": "xlsx"},
        name="team_xlsx",
    ),
    path("my-academy/team/invite/", views.team_invite, name="team_invite"),
    path("my-academy/team/invitations/<int:pk>/revoke/", views.team_revoke, name="team_revoke"),
    path("my-academy/team/members/<int:pk>/role/", views.team_role, name="team_role"),
    path("my-academy/team/members/<int:pk>/remove/", views.team_remove, name="team_remove"),
    path("my-academy/team/requests/<int:pk>/approve/", views.team_approve, name="team_approve"),
    path("my-academy/team/requests/<int:pk>/decline/", views.team_decline, name="team_decline"),
    path(
        "my-academy/team/invitations/<int:pk>/restore/",
        views.team_restore_invitation,
        name="team_restore_invitation",
    ),
    path(
        "my-academy/team/removals/<int:pk>/restore/",
        views.team_restore_member,
        name="team_restore_member",
    ),
    path("my-academy/team/assignments/", views.team_assign, name="team_assign"),
    path(
        "my-academy/team/assignments/<int:pk>/cancel/",
        views.team_assignment_cancel,
        name="team_assignment_cancel",
    ),
    path("my-academy/team/join-link/", views.team_join_link, name="team_join_link"),
    path("my-academy/team/join/<str:token>/", views.join, name="join"),
    path("join/<str:token>/", views.join_link, name="join_link"),
]
