"""API of org/: who am I, the staff I may see, absences (DS-10)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from aftercare.apischema import Id, Input, Moment, responses
from aftercare.org import actions, queries
from aftercare.org.http import StaffRequest
from aftercare.org.models import Absence, User

router = Router(tags=["staff"])


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    branch_id: int | None
    organisation_id: int | None

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return obj.role_codes

    @staticmethod
    def resolve_display_name(obj: User) -> str:
        return str(obj)


class MeOut(UserOut):
    time_zone: str
    language: str

    @staticmethod
    def resolve_time_zone(obj: User) -> str:
        return obj.organisation.time_zone if obj.organisation else "Asia/Shanghai"

    @staticmethod
    def resolve_language(obj: User) -> str:
        from django.utils.translation import get_language

        return get_language()


@router.get("/me", response=responses({200: MeOut}), summary="The authenticated user")
def me(request: StaffRequest) -> User:
    return request.user


@router.get("/users", response=responses({200: list[UserOut]}), summary="Staff I may see")
def users(request: StaffRequest) -> list[User]:
    """Supervisors see their branch's staff; administrators their organisation's."""
    return list(queries.staff_directory(request.user).prefetch_related("groups"))


class AbsenceIn(Input):
    user_id: Id
    starts_at: Moment
    ends_at: Moment
    stand_in_id: Id
    reason: str = Field("", max_length=200)


class AbsenceOut(Schema):
    id: int
    user_id: int
    stand_in_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    recorded_by_id: int


@router.post(
    "/absences", response=responses({201: AbsenceOut}, 404), summary="Record an absence (DS-10)"
)
def create_absence(request: StaffRequest, payload: AbsenceIn) -> Status[Absence]:
    staff = queries.visible_users(request.user)
    absent = get_object_or_404(staff, pk=payload.user_id)
    stand_in = get_object_or_404(staff, pk=payload.stand_in_id)
    absence = actions.record_absence(
        absent,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        stand_in=stand_in,
        by=request.user,
        reason=payload.reason,
    )
    return Status(201, absence)
