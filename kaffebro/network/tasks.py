"""Background work of the network app. Tasks take ids, never model objects."""

from django_tasks import task

from kaffebro.network.importing import engine


@task()
def run_contact_import(batch_id: int) -> None:
    """A large contact file, imported away from the request; the member watches the progress bar."""
    engine.run_import(batch_id)
