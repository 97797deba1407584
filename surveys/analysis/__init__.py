"""Analysis: what KS and analysts read once answers are in.

Results and breakdowns (`results`, counted in the database by `aggregation` and cached per
data version by `cache`), the report (`report`) and its PDF made by the worker (`report_pdf`),
the eKommune prize score (`scoring`), CSV, XLSX and codebook exports (`exports`) and
background export jobs (`export_jobs`, `tasks`), and the staff pages that show them
(`views`). May import the models, the definitions, outreach's selectors (response rates) and
the shared modules of `surveys`; never the services of answering or outreach, and never demo.
"""
