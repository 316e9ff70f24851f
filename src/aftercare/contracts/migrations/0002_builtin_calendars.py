"""Every existing organisation gets its built-in 24×7 service calendar (later ones get it on
first need: contracts.actions.builtin_calendar)."""

from django.db import migrations

ALWAYS = [[["00:00", "24:00"]] for _ in range(7)]


def create(apps, schema_editor):
    Organisation = apps.get_model("org", "Organisation")
    ServiceCalendar = apps.get_model("contracts", "ServiceCalendar")
    for organisation in Organisation.objects.all():
        if not ServiceCalendar.objects.filter(organisation=organisation, builtin=True).exists():
            ServiceCalendar.objects.create(
                organisation=organisation, name="24×7", weekly=ALWAYS, builtin=True
            )


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
