import pytest
import time_machine

from aftercare.servicereports.models import MonthlyReport
from aftercare.tick import run as tick
from tests.servicereports.helpers import at, august


@pytest.fixture
def reported():
    """The known August, its reports written by the tick on 1 September; the clock stays at
    2 September 10:00 for the test."""
    a = august()
    with time_machine.travel(at(2026, 9, 1, 0, 5), tick=False):
        tick()
    traveller = time_machine.travel(at(2026, 9, 2, 10, 0), tick=False)
    traveller.start()
    yield a, MonthlyReport.objects.get(site=a.site, month="2026-08-01")
    traveller.stop()
