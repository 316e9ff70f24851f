# RegisterCounter now belongs to records (records 0001 took over its state); the table stays.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('followups', '0002_initial'),
        ('records', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='RegisterCounter')],
            database_operations=[],
        ),
    ]
