"""Every state change of the jobs app, one module per area.

`postings` (create, edit, import from a job ad), `shares` (consent and profiles in play),
`suggestions` (candidate suggestions and the decision-maker's inbox), `outcomes` and
`coaching` (the seeker's pipeline and the coach's caseload). Each action checks its
precondition, runs in one transaction, updates conditionally, writes an event and
schedules its side effects on commit.
"""
