"""Run in a child process by test_killed_mid_way: import a generated LinkedIn file, or retry one.

python -m tests.importing.kill_child import ROWS
python -m tests.importing.kill_child retry
"""

import sys

import django


def main(command: str, rows: int = 0) -> None:
    django.setup()
    from django.core.management import call_command

    from kaffebro.accounts.models import User
    from kaffebro.network.importing import actions
    from kaffebro.network.members import member_person
    from kaffebro.network.models import ImportBatch

    if command == "import":
        call_command("migrate", verbosity=0)
        bench = __import__("bench.import", fromlist=["linkedin_export"])
        member = User.objects.create_user("mette@example.org", "kaffe-og-kage-2026", display_name="Mette")
        member_person(member)
        batch = actions.upload_contacts(member, data=bench.linkedin_export(rows), filename="Connections.csv")
        print("confirming", flush=True)
        actions.confirm_import(member, batch, background=False)
    else:
        batch = ImportBatch.objects.select_related("owner").get()
        batch = actions.retry_import(batch.owner, batch)
        print(batch.status, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], *[int(argument) for argument in sys.argv[2:]])
