"""Finding customers: one search box for names, pinyin, phones, plates and VINs."""

import re

from django.db.models import Q
from django.db.models.functions import Right
from django.shortcuts import get_object_or_404

from aftercare.customers.identifiers import plate_key
from aftercare.customers.models import PLATE_TAIL, Customer, CustomerPhone, Vehicle
from aftercare.customers.names import name_key

_LATIN = re.compile(r"^[a-zA-Z\s']+$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-()]{4,}$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def get_customer_for(user, customer_id: int) -> Customer:
    """The customer if the user may see it, else 404 (ids of other branches leak nothing)."""
    return get_object_or_404(Customer.objects.visible_to(user), pk=customer_id)


def get_vehicle_for(user, vehicle_id: int) -> Vehicle:
    visible = Customer.objects.visible_to(user).values("pk")
    return get_object_or_404(
        Vehicle.objects.select_related("customer__branch__organisation"),
        pk=vehicle_id,
        customer_id__in=visible,
    )


def search_condition(text: str, base=None) -> Q:
    """Every interpretation of what was typed; each one uses an index.

    Phones and plates live in other tables: OR-ing their subqueries with the name columns
    makes PostgreSQL test every customer of the branch against them (a filter, no index;
    ~250 ms at 50 k customers a branch). A UNION ALL of the matching ids lets every arm use
    its own index. Names alone stay a plain OR of columns (a BitmapOr).
    """
    text = text.strip()
    condition = Q(name_key__startswith=name_key(text))
    if _LATIN.match(text):
        latin = re.sub(r"[\s']+", "", text).lower()
        condition |= Q(name_pinyin__startswith=latin) | Q(name_initials__startswith=latin)
    elsewhere = []
    if _PHONE_LIKE.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 4:
            phones = CustomerPhone.objects.filter(last4=digits)
        else:
            phones = CustomerPhone.objects.filter(
                Q(national=digits) | Q(number=f"+{digits}") | Q(national__startswith=digits)
            )
        elsewhere.append(phones.order_by().values("customer_id"))
    key = plate_key(text)
    if len(key) >= 3:
        vehicles = Vehicle.objects.filter(plate_key__startswith=key)
        if _VIN.match(key):
            vehicles = Vehicle.objects.filter(Q(plate_key__startswith=key) | Q(vin=key))
        elsewhere.append(vehicles.order_by().values("customer_id"))
    if len(key) == PLATE_TAIL:  # the end of a plate, as read off the car (indexed)
        tails = Vehicle.objects.annotate(tail=Right("plate_key", PLATE_TAIL)).filter(tail=key)
        elsewhere.append(tails.order_by().values("customer_id"))
    if not elsewhere:
        return condition
    by_name = (base if base is not None else Customer.objects).filter(condition)
    by_name = by_name.order_by().values("pk")
    return Q(pk__in=by_name.union(*elsewhere, all=True))


def search(user, text: str = ""):
    customers = Customer.objects.visible_to(user)
    if text.strip():
        customers = customers.filter(search_condition(text, base=customers))
    return customers.order_by("name", "id")
