from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "服务事项"

    def ready(self) -> None:
        from . import signals  # noqa: F401
