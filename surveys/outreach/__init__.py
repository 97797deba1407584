"""Outreach: reaching the organisations and following who has answered.

Mail rows, invitation and reminder rounds and their delivery (`services`); the reads
(`selectors`, a package): response rates (`selectors.rates`), the status list of the
organisations that have not submitted (`selectors.status`) and the mail rounds
(`selectors.rounds`); the dashboard (`views`) and its forms (`forms`); the tasks that send mail
and take rate snapshots (`tasks`). May import the models, answering and the shared modules of
`surveys` (the e-mails carry personal links issued by answering's services); never analysis or
demo.
"""
