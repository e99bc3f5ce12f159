"""The two step indexes of 0001 now live with their tables, under the same columns:
`meetings.MeetingRequest.Meta.indexes` (meeting_seeker_steps) and `jobs.Outcome.Meta.indexes`
(outcome_seeker_steps). The copies 0001 created are dropped here; reversing creates them again."""

from django.db import migrations

CREATED_BY_0001 = {
    "insights_meeting_seeker_steps": "meetings_meetingrequest (seeker_id, state, first_sent, reached_person, starts)",
    "insights_outcome_seeker_steps": "jobs_outcome (seeker_id, kind, credit, date)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_step_indexes"),
        ("jobs", "0002_outcome_seeker_steps"),
        ("meetings", "0004_meeting_seeker_steps"),
    ]

    operations = [
        migrations.RunSQL(sql=f"DROP INDEX {name}", reverse_sql=f"CREATE INDEX {name} ON {columns}")
        for name, columns in CREATED_BY_0001.items()
    ]
