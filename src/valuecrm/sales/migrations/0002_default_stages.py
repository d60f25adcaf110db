from django.db import migrations

# A common B2B pipeline; companies edit names and probabilities in the admin.
DEFAULT_STAGES = [
    ("初步接洽", "Qualification", 10, "open"),
    ("需求确认", "Needs analysis", 25, "open"),
    ("方案报价", "Proposal", 50, "open"),
    ("商务谈判", "Negotiation", 75, "open"),
    ("赢单", "Won", 100, "won"),
    ("输单", "Lost", 0, "lost"),
]


def create_stages(apps, schema_editor):
    Stage = apps.get_model("sales", "Stage")
    for position, (name, name_en, probability, outcome) in enumerate(DEFAULT_STAGES, start=1):
        Stage.objects.get_or_create(
            name=name,
            defaults={"name_en": name_en, "position": position, "probability": probability,
                      "outcome": outcome},
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [migrations.RunPython(create_stages, migrations.RunPython.noop)]
