"""Phones, plates and VINs of mainland China, Taiwan and Hong Kong; Chinese name keys."""

import pytest

from aftercare.customers.identifiers import normalise_phone, normalise_plate, normalise_vin
from aftercare.customers.names import name_key, pinyin_keys


@pytest.mark.parametrize(
    ("raw", "region", "e164", "national"),
    [
        ("138 0013 8000", "CN", "+8613800138000", "13800138000"),
        ("010-6500 1234", "CN", "+861065001234", "01065001234"),
        ("+86 138-0013-8000", "TW", "+8613800138000", "13800138000"),
        ("0912-345-678", "TW", "+886912345678", "0912345678"),
        ("(02) 2345-6789", "TW", "+886223456789", "0223456789"),
        ("9123 4567", "HK", "+85291234567", "91234567"),
        ("+852 2123 4567", "CN", "+85221234567", "21234567"),
        ("0912345678", "CN", "+886912345678", "0912345678"),  # a Taiwan mobile typed in a CN shop
    ],
)
def test_phone_numbers_are_normalised(raw, region, e164, national):
    phone = normalise_phone(raw, region)
    assert (phone.e164, phone.national, phone.last4) == (e164, national, national[-4:])


@pytest.mark.parametrize("raw", ["", "12345", "138001380001234", "+1 212 555 0100", "abc"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw, "CN")


@pytest.mark.parametrize(
    ("raw", "region", "display", "key"),
    [
        ("京A·12345", None, "京A12345", "京A12345"),
        ("京a 12345", None, "京A12345", "京A12345"),
        ("滬B-8888C", None, "沪B8888C", "沪B8888C"),  # traditional 滬 typed, plate says 沪
        ("粤B D12345", None, "粤BD12345", "粤BD12345"),  # new-energy, 6 characters
        ("京A1234学", None, "京A1234学", "京A1234学"),
        ("abc-1234", None, "ABC-1234", "ABC1234"),
        ("ABC1234", None, "ABC-1234", "ABC1234"),
        ("AB 1234", "HK", "AB 1234", "AB1234"),
        ("AB 1234", "TW", "AB-1234", "AB1234"),
        ("HK 88", "HK", "HK 88", "HK88"),
    ],
)
def test_plates_are_normalised(raw, region, display, key):
    plate = normalise_plate(raw, region)
    assert (plate.display, plate.key) == (display, key)


@pytest.mark.parametrize("raw", ["", "京I12345", "京A1234", "XX-?", "1234567", "京A123456789"])
def test_bad_plates_are_refused(raw):
    with pytest.raises(ValueError):
        normalise_plate(raw)


def test_vin_check_digit():
    assert normalise_vin("1m8gdm9axkp042788") == "1M8GDM9AXKP042788"
    with pytest.raises(ValueError, match="check digit"):
        normalise_vin("1M8GDM9AXKP042789")
    with pytest.raises(ValueError):
        normalise_vin("1M8GDM9AXKP04278")  # 16 characters
    with pytest.raises(ValueError):
        normalise_vin("IM8GDM9AXKP042788")  # I is never used


@pytest.mark.parametrize(
    ("name", "key", "pinyin", "initials"),
    [
        ("張三", "张三", "zhangsan", "zs"),
        ("张三", "张三", "zhangsan", "zs"),
        ("陳 大文", "陈大文", "chendawen", "cdw"),
        ("North 汽車", "north汽车", "northqiche", "northqc"),
    ],
)
def test_name_keys_are_script_insensitive(name, key, pinyin, initials):
    assert name_key(name) == key
    assert pinyin_keys(name) == (pinyin, initials)


def test_numbers_are_shown_the_way_the_shop_dials_them():
    """Issue 10: phones were shown raw (+8613619856055)."""
    from aftercare.customers.identifiers import display_phone

    assert display_phone("+8613619856055", "CN") == "136 1985 6055"
    assert display_phone("+886912345678", "TW") == "0912 345 678"
    assert display_phone("+886912345678", "CN") == "+886 912 345 678"  # another country's
    assert display_phone("+85291234567", "HK") == "9123 4567"
    assert display_phone("not a number", "CN") == "not a number"  # never hidden
