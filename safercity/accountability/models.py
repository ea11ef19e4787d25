from django.db import models


class Parameter(models.Model):
    """A number the scorecard depends on, with where it comes from (e.g. the homicide baseline)."""

    key = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)
    as_of = models.DateField(help_text="The period the value describes")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value.normalize():f} {self.unit}".strip()
