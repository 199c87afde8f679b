"""`manage.py rollback <category>`: serve the version that was active before the current one."""
from django.core.management.base import BaseCommand, CommandError

from inference.categories import CATEGORIES
from training.actions import RetrainError, do_roll_back


class Command(BaseCommand):
    help = ("Return <category> to the version that was active before the last promote: the "
            "ACTIVE file and the admin's model versions change together.")

    def add_arguments(self, parser):
        parser.add_argument("category", choices=CATEGORIES)

    def handle(self, *args, **options):
        try:
            version = do_roll_back(options["category"])
        except RetrainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"rolled {options['category']} back to {version}")
