"""Outreach: reaching the organisations and following who has answered.

Mail rows, invitation and reminder rounds and their delivery (`services`), response rates and
the status of each organisation (`selectors`), the dashboard (`views`) and the tasks that send
mail and take rate snapshots (`tasks`). May import the models, answering's selectors and the
shared modules of `surveys`; never answering's services, analysis or demo.
"""
