"""Admin for the register: editions, counties, organisations with their contacts, contacts."""

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .contacts_importer import normalise_email
from .models import Contact, County, Organisation, RegisterEdition, SizeClass


class ContactForm(forms.ModelForm):
    """Normalises e-mail addresses as the import does, so duplicates are caught either way."""

    class Meta:
        model = Contact
        fields = ["organisation", "name", "email", "role", "is_active"]

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class SizeClassFilter(admin.SimpleListFilter):
    title = _("størrelsesklasse")
    parameter_name = "size_class"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(str(value), label) for value, label in SizeClass.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(size_class=int(value))
        return queryset


class CountyFilter(admin.SimpleListFilter):
    """Counties of the edition chosen in the edition filter (all editions otherwise)."""

    title = _("fylke")
    parameter_name = "county"
    edition_parameter = "edition__id__exact"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        counties = County.objects.select_related("edition").order_by("-edition__year", "number")
        edition_id = request.GET.get(self.edition_parameter, "")
        if edition_id.isdigit():
            counties = counties.filter(edition_id=int(edition_id))
        return [
            (str(county.pk), f"{county.number} {county.name} ({county.edition.year})")
            for county in counties
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.field_path: int(value)})
        return queryset

    field_path = "county_id"


class ContactCountyFilter(CountyFilter):
    edition_parameter = "organisation__edition__id__exact"
    field_path = "organisation__county_id"


@admin.register(RegisterEdition)
class RegisterEditionAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "population_date", "county_count", "organisation_count"]
    search_fields = ["name", "year__exact"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                county_count=Count("counties", distinct=True),
                organisation_count=Count("organisations", distinct=True),
            )
        )

    @admin.display(description=_("fylker"), ordering="county_count")
    def county_count(self, obj: RegisterEdition) -> int:
        return obj.county_count

    @admin.display(description=_("organisasjoner"), ordering="organisation_count")
    def organisation_count(self, obj: RegisterEdition) -> int:
        return obj.organisation_count


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "edition", "has_county_municipality", "population"]
    list_filter = ["edition", "has_county_municipality"]
    list_select_related = ["edition"]
    search_fields = ["=number", "name"]
    ordering = ["-edition__year", "number"]


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    fields = ["name", "email", "role", "is_active"]
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "kind",
        "county",
        "population",
        "size_class_label",
        "edition",
    ]
    list_filter = ["edition", CountyFilter, "kind", SizeClassFilter]
    list_select_related = ["edition", "county"]
    # "edition__year__exact" lets "2011 halden" pick one year's Halden (e.g. in autocomplete).
    search_fields = ["=number", "name", "name_alt", "edition__year__exact"]
    ordering = ["-edition__year", "kind", "number"]
    autocomplete_fields = ["county"]
    readonly_fields = ["size_class_label", "created_at", "updated_at"]
    fields = [
        "edition",
        "kind",
        "number",
        "name",
        "name_alt",
        "county",
        "population",
        "population_date",
        "population_status",
        "source",
        "size_class_label",
        "created_at",
        "updated_at",
    ]
    inlines = [ContactInline]

    @admin.display(description=_("størrelsesklasse"), ordering="size_class")
    def size_class_label(self, obj: Organisation) -> str:
        return obj.get_size_class_display() or "–"


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    form = ContactForm
    list_display = ["email", "name", "role", "organisation", "edition_year", "is_active"]
    list_filter = [
        "is_active",
        "organisation__edition",
        ContactCountyFilter,
        "organisation__kind",
    ]
    list_select_related = ["organisation__edition"]
    search_fields = ["name", "email", "role", "organisation__name", "=organisation__number"]
    autocomplete_fields = ["organisation"]
    ordering = ["organisation__number", "email"]
    readonly_fields = ["created_at", "updated_at", "erase_link"]

    @admin.display(description=_("personvern"))
    def erase_link(self, obj: Contact) -> str:
        # A contact that was ever e-mailed cannot be deleted here (the mail log protects its
        # rows); erasure removes the personal data and keeps what the figures count.
        if obj.pk is None:
            return "–"
        url = reverse("privacy:contact_erase", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Slett personopplysningene"))

    @admin.display(description=_("år"), ordering="organisation__edition__year")
    def edition_year(self, obj: Contact) -> int:
        return obj.organisation.edition.year
