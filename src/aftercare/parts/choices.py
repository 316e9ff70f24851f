from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    SET = "set", _("set")
    BOX = "box", _("box")
    METRE = "metre", _("metre")
    LITRE = "litre", _("litre")


#: Units counted in whole numbers: 1.5 cameras is a typing error, 1.5 metres of cable is not.
WHOLE_UNITS = frozenset({Unit.PIECE, Unit.SET, Unit.BOX})


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    ISSUE = "issue", _("issue to a ticket")
    RETURN = "return", _("return from a ticket")
    ADJUSTMENT = "adjustment", _("adjustment")


class ReservationState(models.TextChoices):
    SERVED = "served", _("served")
    WAITING = "waiting", _("waiting for stock")
    ISSUED = "issued", _("issued")
    CANCELLED = "cancelled", _("cancelled")


#: Reservations that still take part in the serving order.
OPEN_RESERVATION_STATES = (ReservationState.SERVED, ReservationState.WAITING)
