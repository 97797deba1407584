"""The questionnaire editor: staff pages that change a wave's questionnaire in the browser.

Every change is made to the wave's definition document (the exporter's output, read back)
and goes through the definition file's validation and the loader's reload rules, exactly as
`load_questionnaire` would: the editor can save nothing a file could not load.

- `documents.py`: the definition document, its texts and edits to it (pure functions)
- `changes.py`: what changed between two documents, readable per question
- `services.py`: apply a document (validate, load, record a version)
- `selectors.py`: versions, untranslated texts, comparison with another wave
- `forms.py`, `views.py`, `urls.py`: the pages
"""
