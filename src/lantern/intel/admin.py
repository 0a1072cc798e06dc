from django.contrib import admin

from lantern.intel import models


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")


@admin.register(models.BehaviourType)
class BehaviourTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "severity", "harm_days", "vocabulary_version")


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("label", "source", "source_record_id", "date_of_birth")
    search_fields = ("given_names", "family_name", "source_record_id")
    list_select_related = ("source",)


@admin.register(models.Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("label", "make", "model", "colour")
    search_fields = ("vrm",)
