from decimal import Decimal

from django.db import migrations

# The usual path of a B2B order, with targets adding up to a 7-day delivery; companies edit
# names and targets in the admin.
DEFAULT_STAGES = [
    ("placed", "下单", "Order placed", "0.5", False),
    ("contract_effective", "合同生效", "Contract effective", "1", False),
    ("procurement", "采购", "Procurement", "2.5", False),
    ("production", "生产", "Production", "2", False),
    ("shipped", "发货", "Shipped", "1", False),
    ("signed_off", "签收", "Signed off", "0", True),
]


def create_stages(apps, schema_editor):
    OrderStage = apps.get_model("delivery", "OrderStage")
    for position, (code, name, name_en, target, final) in enumerate(DEFAULT_STAGES, start=1):
        OrderStage.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "position": position,
                      "target_days": Decimal(target), "is_final": final},
        )


class Migration(migrations.Migration):
    dependencies = [("delivery", "0001_initial")]
    operations = [migrations.RunPython(create_stages, migrations.RunPython.noop)]
