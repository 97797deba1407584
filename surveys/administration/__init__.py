"""Administration: the staff pages for preparing and running a wave (the questionnaire preview).

May import the models, the form engine, the definitions and the shared modules of `surveys`.
"""
