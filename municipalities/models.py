"""The register of counties (fylker) and organisations (kommuner and fylkeskommuner), by year.

A survey wave goes to one register edition; every result is broken down by county and by
municipality size class, so both live here as database columns that a GROUP BY can use.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.utils.translation import gettext_lazy as _


class RegisterEdition(models.Model):
    """One year's municipal structure (e.g. 2011: 430 kommuner; 2024: 357 kommuner)."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    name = models.CharField(_("navn"), max_length=200)
    population_date = models.DateField(_("folketall per"), null=True, blank=True)
    source = models.TextField(_("kilde og lisens"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("registerutgave")
        verbose_name_plural = _("registerutgaver")
        permissions = [
            ("manage_register", _("Kan laste opp registerutgaver og kontaktpersoner")),
        ]

    def __str__(self) -> str:
        return self.name or str(self.year)


class County(models.Model):
    """A fylke. Oslo is a fylke without a separate fylkeskommune."""

    edition = models.ForeignKey(RegisterEdition, on_delete=models.CASCADE, related_name="counties")
    number = models.CharField(_("fylkesnummer"), max_length=2)
    name = models.CharField(_("navn"), max_length=100)
    has_county_municipality = models.BooleanField(_("har fylkeskommune"), default=True)
    # The fylkeskommune's population; null when the source gave none (it is then the sum of
    # the county's kommuner, filled in by the import).
    population = models.PositiveIntegerField(_("folketall"), null=True, blank=True)
    population_date = models.DateField(_("folketall per"), null=True, blank=True)
    source = models.CharField(_("kilde"), max_length=200, blank=True)

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("fylke")
        verbose_name_plural = _("fylker")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="county_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class OrganisationKind(models.TextChoices):
    KOMMUNE = "kommune", _("Kommune")
    FYLKESKOMMUNE = "fylkeskommune", _("Fylkeskommune")


class SizeClass(models.IntegerChoices):
    """Municipality size classes by population, the KS report's classes written the Norwegian
    way everywhere: non-breaking space between thousands, en dash in ranges."""

    UNDER_2000 = 1, _("Under 2 000")
    FROM_2000 = 2, _("2 000–4 999")
    FROM_5000 = 3, _("5 000–9 999")
    FROM_10000 = 4, _("10 000–19 999")
    FROM_20000 = 5, _("20 000–49 999")
    FROM_50000 = 6, _("50 000 eller flere")


# Lower bounds (inclusive) of each size class, in order.
SIZE_CLASS_LOWER_BOUNDS: list[tuple[int, SizeClass]] = [
    (50_000, SizeClass.FROM_50000),
    (20_000, SizeClass.FROM_20000),
    (10_000, SizeClass.FROM_10000),
    (5_000, SizeClass.FROM_5000),
    (2_000, SizeClass.FROM_2000),
    (0, SizeClass.UNDER_2000),
]


def size_class_for(population: int) -> SizeClass:
    """The size class of a kommune with this population (pure Python twin of the column)."""
    for lower, size_class in SIZE_CLASS_LOWER_BOUNDS:
        if population >= lower:
            return size_class
    return SizeClass.UNDER_2000


def _size_class_expression() -> Case:
    # Only kommuner have a size class: the KS report classifies municipalities, not counties.
    is_kommune = Q(kind=OrganisationKind.KOMMUNE)
    return Case(
        *[
            When(is_kommune & Q(population__gte=lower), then=Value(int(size_class)))
            for lower, size_class in SIZE_CLASS_LOWER_BOUNDS
        ],
        default=None,
        output_field=models.PositiveSmallIntegerField(),
    )


def _size_class_label_expression() -> Case:
    # Evaluated when the query is built, so the labels follow the active language.
    return Case(
        *[When(size_class=value, then=Value(str(label))) for value, label in SizeClass.choices],
        default=Value(""),
        output_field=models.CharField(),
    )


class OrganisationQuerySet(models.QuerySet):
    def in_edition(self, edition: "RegisterEdition") -> "OrganisationQuerySet":
        return self.filter(edition=edition)

    def with_size_class_label(self) -> "OrganisationQuerySet":
        """Annotate `size_class_label`, the report's label of the size class ("" if none)."""
        return self.annotate(size_class_label=_size_class_label_expression())

    def breakdown_by_size_class(self) -> "OrganisationQuerySet":
        """Rows of {"size_class", "count"}: one GROUP BY in the database, kommuner only."""
        return (
            self.filter(size_class__isnull=False)
            .order_by()
            .values("size_class")
            .annotate(count=Count("id"))
            .order_by("size_class")
        )

    def kommuner(self) -> "OrganisationQuerySet":
        return self.filter(kind=OrganisationKind.KOMMUNE)

    def fylkeskommuner(self) -> "OrganisationQuerySet":
        return self.filter(kind=OrganisationKind.FYLKESKOMMUNE)

    def of_year(self, year: int) -> "OrganisationQuerySet":
        return self.filter(edition__year=year)


class Organisation(models.Model):
    """A kommune (4-digit number) or a fylkeskommune (2-digit number) in one register edition."""

    edition = models.ForeignKey(
        RegisterEdition, on_delete=models.CASCADE, related_name="organisations"
    )
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    number = models.CharField(_("nummer"), max_length=4)
    name = models.CharField(_("navn"), max_length=100)
    name_alt = models.CharField(_("samisk/kvensk navn"), max_length=100, blank=True)
    county = models.ForeignKey(County, on_delete=models.RESTRICT, related_name="organisations")
    population = models.PositiveIntegerField(_("folketall"))
    population_date = models.DateField(_("folketall per"), null=True, blank=True)
    # How good the population figure is (e.g. "ssb_exact", "derived_residual"; see
    # municipalities/data/README.md) and which source it comes from.
    population_status = models.CharField(_("folketallsstatus"), max_length=40, blank=True)
    source = models.CharField(_("kilde"), max_length=200, blank=True)
    # Stored and derived by the database from kind and population, so a breakdown by size
    # class is a plain GROUP BY on an indexed column and can never disagree with population.
    size_class = models.GeneratedField(
        expression=_size_class_expression(),
        output_field=models.PositiveSmallIntegerField(
            _("størrelsesklasse"), choices=SizeClass.choices, null=True
        ),
        db_persist=True,
        verbose_name=_("størrelsesklasse"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "number"], name="organisation_unique_number"
            )
        ]
        indexes = [models.Index(fields=["edition", "kind", "size_class"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_size_class_display(self) -> str:
        """The report's label of this kommune's size class ("" for a fylkeskommune)."""
        # GeneratedField keeps the choices on its output field, so Django adds no such method.
        return str(SizeClass(self.size_class).label) if self.size_class else ""


class Contact(models.Model):
    """A contact person of an organisation; receives invitations and answers on its behalf."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("navn"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"))
    role = models.CharField(_("rolle/tittel"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Set when a contact was carried over from an earlier edition into a merged organisation:
    # someone at KS should check that the person still answers for it.
    needs_review = models.BooleanField(_("må kontrolleres"), default=False)
    review_note = models.CharField(_("merknad"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "name", "email"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        constraints = [
            # Addresses are normalised to lower case before saving, so this catches duplicates.
            models.UniqueConstraint(fields=["organisation", "email"], name="contact_unique_email")
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def audit_label(self) -> str:
        """How the audit trail names a contact: by id, since the trail is never erased."""
        return f"#{self.pk}"


class Correspondence(models.Model):
    """How the organisations of an earlier register edition map onto a later one.

    SSB publishes change lists between editions (mergers, splits, renumbering); one row per
    edition pair records where they came from, and its links say which earlier organisation
    sent people to which later one. Year-over-year comparisons across municipal reforms
    follow these links (`municipalities.selectors.predecessors`, `successors`).
    """

    earlier = models.ForeignKey(
        RegisterEdition, on_delete=models.CASCADE, related_name="correspondences_to_later"
    )
    later = models.ForeignKey(
        RegisterEdition, on_delete=models.CASCADE, related_name="correspondences_from_earlier"
    )
    source = models.TextField(_("kilde og lisens"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["earlier__year", "later__year"]
        verbose_name = _("korrespondanse mellom registerutgaver")
        verbose_name_plural = _("korrespondanser mellom registerutgaver")
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="correspondence_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.earlier.year} → {self.later.year}"


class ChangeToken(models.TextChoices):
    """What happened between two editions, as SSB's change lists word it."""

    UNCHANGED = "unchanged", _("uendret")
    SPLIT = "split", _("delt")
    MERGED = "merged", _("slått sammen")
    RENUMBERED = "renumbered", _("nytt nummer")
    RENAMED = "renamed", _("nytt navn")


class CorrespondenceLink(models.Model):
    """One pair (earlier organisation, later organisation) that share people or territory."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, related_name="links"
    )
    earlier = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="later_links")
    later = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="earlier_links")
    # ChangeToken values joined with "+" in SSB's order, e.g. "merged+renumbered".
    change = models.CharField(_("endring"), max_length=60)
    # The share of the earlier organisation's population that went to the later one (1 for a
    # whole transfer); null where the source gives none (counties).
    population_share = models.DecimalField(
        _("andel av folketallet"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["correspondence", "later__number", "earlier__number"]
        verbose_name = _("korrespondanse")
        verbose_name_plural = _("korrespondanser")
        constraints = [
            models.UniqueConstraint(
                fields=["correspondence", "earlier", "later"], name="correspondencelink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.earlier} → {self.later} ({self.change})"

    @property
    def changes(self) -> list[str]:
        return self.change.split("+")


class Upload(models.Model):
    """A register or contacts file uploaded in the browser: checked, previewed, then imported.

    The files wait on disk (settings.UPLOAD_DIR) between the check and the confirmation, so a
    worker can process a large file and the page can show its progress.
    """

    class Kind(models.TextChoices):
        REGISTER = "register", _("Registerutgave")
        CONTACTS = "contacts", _("Kontaktpersoner")

    class State(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        CHECKING = "checking", _("Kontrolleres")
        CHECKED = "checked", _("Klar til import")
        REJECTED = "rejected", _("Har feil")
        IMPORTING = "importing", _("Importeres")
        DONE = "done", _("Importert")
        FAILED = "failed", _("Feilet")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    name = models.CharField(_("navn"), max_length=200, blank=True)
    # {"counties": "fylker-2024.csv", ...}: file names inside `directory`.
    files = models.JSONField(default=dict)
    directory = models.CharField(max_length=300)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.RECEIVED
    )
    progress = models.PositiveSmallIntegerField(_("framdrift"), default=0)
    preview = models.JSONField(default=dict, blank=True)
    # [{"file": ..., "line": ..., "message": ...}], at most tabular.MAX_ISSUES of them.
    problems = models.JSONField(default=list, blank=True)
    problem_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opplasting")
        verbose_name_plural = _("opplastinger")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_state_display()})"

    @property
    def is_busy(self) -> bool:
        return self.state in {self.State.RECEIVED, self.State.CHECKING, self.State.IMPORTING}
