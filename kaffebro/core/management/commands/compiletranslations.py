from django.core.management.base import BaseCommand

from kaffebro.core.translations import catalogues, compile_catalogue


class Command(BaseCommand):
    help = "Compile every .po catalogue to .mo in pure Python (no GNU gettext needed)."

    def handle(self, *args, **options):
        for po_path in catalogues():
            compile_catalogue(po_path)
            self.stdout.write(f"compiled {po_path.parent.parent.name}/{po_path.name}", self.style.SUCCESS)
