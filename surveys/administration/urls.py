"""Staff pages of the yearly cycle: home, waves, register and contacts, mail texts, roles."""

from django.urls import include, path

from surveys.administration.views import mail_texts, preview, register, roles, waves

urlpatterns = [
    path("staff/", waves.home, name="staff_home"),
    path("staff/waves/<slug:slug>/", waves.wave_detail, name="staff_wave"),
    path("staff/waves/<slug:slug>/copy/", waves.wave_copy, name="staff_wave_copy"),
    path("staff/waves/<slug:slug>/copied/", waves.wave_copied, name="staff_wave_copied"),
    path("staff/waves/<slug:slug>/edition/", waves.wave_edition, name="staff_wave_edition"),
    path("staff/waves/<slug:slug>/open/", waves.wave_open, name="staff_wave_open"),
    path("staff/waves/<slug:slug>/reopen/", waves.wave_reopen, name="staff_wave_reopen"),
    path("staff/waves/<slug:slug>/close/", waves.wave_close, name="staff_wave_close"),
    path("staff/waves/<slug:slug>/publish/", waves.wave_publish, name="staff_wave_publish"),
    path("staff/waves/<slug:slug>/mail/", mail_texts.mail_texts_index, name="staff_mail_texts"),
    path(
        "staff/waves/<slug:slug>/mail/<slug:kind>/<slug:language>/",
        mail_texts.mail_text_edit,
        name="staff_mail_text",
    ),
    path("staff/waves/<slug:slug>/preview/", preview.wave_preview, name="staff_wave_preview"),
    path("", include("surveys.administration.editor.urls")),
    path(
        "staff/waves/<slug:slug>/sections/<slug:key>/preview/",
        preview.section_preview,
        name="staff_section_preview",
    ),
    path("staff/register/", register.register, name="staff_register"),
    path("staff/uploads/<int:pk>/", register.upload, name="staff_upload"),
    path("staff/uploads/<int:pk>/status.json", register.upload_status, name="staff_upload_status"),
    path("staff/uploads/<int:pk>/confirm/", register.upload_confirm, name="staff_upload_confirm"),
    path("staff/register/<int:year>/contacts/", register.contacts, name="staff_contacts"),
    path(
        "staff/register/<int:year>/contacts/carry/",
        register.contacts_carry,
        name="staff_contacts_carry",
    ),
    path(
        "staff/register/<int:year>/organisations/<str:number>/",
        register.organisation_contacts,
        name="staff_organisation",
    ),
    path("staff/contacts/<int:pk>/", register.contact_edit, name="staff_contact_edit"),
    path("staff/roles/", roles.roles, name="staff_roles"),
]
