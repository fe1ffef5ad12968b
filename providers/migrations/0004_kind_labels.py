from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0003_provider_background_resume"),
    ]

    operations = [
        migrations.AlterField(
            model_name="providermodel",
            name="kind",
            field=models.CharField(
                choices=[("image", "image"), ("text", "text"), ("other", "other")],
                default="other",
                max_length=10,
            ),
        ),
    ]
