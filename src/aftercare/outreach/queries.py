"""Read side of outreach: campaigns and letters the user may see, the letter register (DS-9)."""

from datetime import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from aftercare.org.access import restrict
from aftercare.outreach.models import Campaign, CampaignTarget, Letter


def visible_campaigns(user):
    """Campaigns of the user's branch; administrators see their organisation."""
    qs = Campaign.objects.select_related("branch", "organisation")
    return restrict(qs, user, "outreach.view_campaign")


def get_campaign_for(user, campaign_id: int) -> Campaign:
    return get_object_or_404(visible_campaigns(user), pk=campaign_id)


def visible_letters(user):
    """The letter register (DS-9) of the user's branch; administrators see their organisation."""
    qs = Letter.objects.select_related("customer", "sent_by", "campaign", "branch")
    return restrict(qs, user, "outreach.view_letter")


def get_letter_for(user, letter_id: int) -> Letter:
    return get_object_or_404(visible_letters(user).prefetch_related("amendments"), pk=letter_id)


def letter_register(branch, start: datetime, end: datetime):
    """The letter-register lines (DS-9) of a branch sent in [start, end), in order (Form 4)."""
    return (
        Letter.objects.filter(branch=branch, sent_at__gte=start, sent_at__lt=end)
        .select_related("customer", "sent_by")
        .order_by("sent_at", "id")
    )


def targets_of(campaign: Campaign):
    return CampaignTarget.objects.filter(campaign=campaign).select_related("customer")


def results(campaign: Campaign) -> dict:
    """Campaign results in one aggregate query: targets, notified, reached, letters, replies."""
    # Aliases differ from the field names (an aggregate may not shadow a field).
    figures = CampaignTarget.objects.filter(campaign=campaign).aggregate(
        n_targets=Count("id"),
        n_notified=Count("id", filter=Q(notified_at__isnull=False)),
        n_reached=Count("id", filter=Q(reached=True)),
        n_unreached=Count("id", filter=Q(reached=False)),
        n_letters=Count("id", filter=Q(letter_sent_at__isnull=False)),
        n_replied=Count("id", filter=Q(replied=True)),
        n_attended=Count("id", filter=Q(attended=True)),
    )
    return {key.removeprefix("n_"): value for key, value in figures.items()}


def preview_targets(branch, filters) -> tuple[int, list]:
    """How many customers the filters select now, and the first few (the form's live count)."""
    from aftercare.outreach.choices import PREVIEW_SIZE
    from aftercare.outreach.targets import target_customers

    customers = target_customers(branch, filters)
    first = list(customers.order_by("name", "id").only("id", "name", "address")[:PREVIEW_SIZE])
    return customers.count(), first


def letters_due(campaign: Campaign):
    """Targets owed a letter (a pending DS-7L), the batch a clerk prints and posts."""
    from aftercare.obligations.models import Obligation

    owed = Obligation.objects.pending().filter(
        rule="DS-7L", subject_id=campaign.pk, subject_type__app_label="outreach",
        subject_type__model="campaign",
    ).values("customer_id")  # fmt: skip
    return targets_of(campaign).filter(customer_id__in=owed).order_by("customer__name", "id")


def campaign_topics(customer, *, at: datetime) -> list[str]:
    """DS-2 topics for the campaigns the customer is a target of and that have not ended."""
    from aftercare.followups.choices import PlanTopic
    from aftercare.outreach.choices import CampaignKind

    kinds = set(
        CampaignTarget.objects.filter(customer=customer, campaign__ends_at__gt=at)
        .values_list("campaign__kind", flat=True)
        .distinct()
    )
    topics = []
    if kinds - {CampaignKind.FREE_INSPECTION}:
        topics.append(PlanTopic.CAMPAIGN.value)
    if CampaignKind.FREE_INSPECTION in kinds:
        topics.append(PlanTopic.FREE_INSPECTION.value)
    return topics
