"""The questionnaire editor's pages, under /staff/waves/<slug>/editor/."""

from django.urls import path

from surveys.administration.editor import views

prefix = "staff/waves/<slug:slug>/editor/"

urlpatterns = [
    path(prefix, views.editor, name="editor"),
    path(f"{prefix}questions/<slug:key>/", views.question_edit, name="editor_question"),
    path(
        f"{prefix}questions/<slug:key>/remove/",
        views.question_remove,
        name="editor_question_remove",
    ),
    path(f"{prefix}questions/<slug:key>/move/", views.question_move, name="editor_question_move"),
    path(f"{prefix}texts/", views.wave_texts, name="editor_wave"),
    path(f"{prefix}sections/new/", views.section_add, name="editor_section_add"),
    path(
        f"{prefix}sections/<slug:key>/remove/", views.section_remove, name="editor_section_remove"
    ),
    path(f"{prefix}sections/<slug:key>/", views.section_edit, name="editor_section"),
    path(f"{prefix}sections/<slug:key>/move/", views.section_move, name="editor_section_move"),
    path(
        f"{prefix}sections/<slug:section_key>/add/", views.question_add, name="editor_question_add"
    ),
    path(f"{prefix}sections/<slug:key>/preview/", views.section_preview, name="editor_preview"),
    path(f"{prefix}translations/", views.translations, name="editor_translations"),
    path(f"{prefix}versions/", views.versions, name="editor_versions"),
    path(f"{prefix}versions/<int:number>.yaml", views.version_yaml, name="editor_version_yaml"),
    path(f"{prefix}export.yaml", views.current_yaml, name="editor_export"),
    path(f"{prefix}compare/", views.compare, name="editor_compare"),
    path(f"{prefix}upload/", views.upload, name="editor_upload"),
]
