"""Administration: the staff pages of the yearly cycle.

The staff home and each wave's page, a new wave copied from last year's, opening, closing,
reopening and publishing, register editions and contacts by upload (with preview) and carried
forward through the correspondence between editions, the wave's own mail texts, the staff
roles, and the questionnaire preview. Every staff action is one keyword-only service in
`services.py`.

May import the models, the form engine, the definitions, outreach's selectors, the register
(`municipalities`) and the shared modules of `surveys`.
"""
