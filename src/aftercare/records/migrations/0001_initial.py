# RegisterCounter moved here from followups without touching its table: the state is created
# here and deleted there (followups 0003), the table followups_registercounter stays as it is.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('followups', '0002_initial'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RegisterCounter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('register', models.CharField(max_length=10)),
                        ('year', models.PositiveSmallIntegerField()),
                        ('last', models.PositiveIntegerField(default=0)),
                        ('branch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.branch')),
                    ],
                    options={
                        'db_table': 'followups_registercounter',
                        'constraints': [models.UniqueConstraint(fields=('branch', 'register', 'year'), name='register_counter_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
