from django.apps import AppConfig


class ShotlineBenchConfig(AppConfig):
    name = "bench.impls.djangoapp"
    label = "shotline_bench"
    default_auto_field = "django.db.models.AutoField"
