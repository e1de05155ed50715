"""growth's kinds of personal data (academy/personal_data.py): the company diagnoses a person
started or answered, and team invitations sent to their address.

A diagnosis is the company's record: at an account's closure it stays with the company, no
longer linked to the person; invitations to their address are deleted."""

from django.utils.translation import gettext_lazy as _

from academy import personal_data

from .models import Diagnosis, Invitation


@personal_data.register
class Diagnoses(personal_data.Section):
    key = "diagnoses"
    title = _("Growth diagnosis contributions")
    order = 70

    def collect(self, user):
        return [
            {
                "company": d.provider.name,
                "questionnaire": str(d.questionnaire) if d.questionnaire else "",
                "state": d.get_state_display(),
                "started": d.started_at,
                "completed": d.completed_at,
                "total (%)": d.total_percent,
                "stage": d.get_stage_display(),
                "answers given": len(d.answers or {}),
            }
            for d in Diagnosis.objects.filter(started_by=user).select_related(
                "provider", "questionnaire"
            )
        ]

    def erase(self, user, *, log):
        log(
            "diagnoses left with the company, unlinked",
            Diagnosis.objects.filter(started_by=user).update(started_by=None),
        )


@personal_data.register
class Invitations(personal_data.Section):
    key = "team_invitations"
    title = _("Team invitations to your address")
    order = 75

    def collect(self, user):
        return [
            {
                "company": i.provider.name,
                "role": i.get_role_display(),
                "sent": i.created_at,
                "expires": i.expires_at,
                "accepted": i.accepted_at,
                "status": i.status,
            }
            for i in self._mine(user).select_related("provider")
        ]

    def _mine(self, user):
        return Invitation.objects.filter(email__iexact=user.email) | Invitation.objects.filter(
            accepted_by=user
        )

    def erase(self, user, *, log):
        log("invitations deleted", self._mine(user).delete()[0])
