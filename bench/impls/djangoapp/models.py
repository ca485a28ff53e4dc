"""Shotline's tables as Django models, read-only.

The entity kinds use Django's multi-table inheritance, which matches
Shotline's joined-table inheritance (``asset.id`` is ``entity.id``).
Soft-deleted rows are left out by the default managers, the closest Django
gets to Shotline's session-wide filter (related managers and prefetches use
them; a forward foreign key does not filter, which no workload needs).
"""

from django.db import models

DO_NOTHING = models.DO_NOTHING


class LiveManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Meta:
    managed = False
    app_label = "shotline_bench"


class Department(models.Model):
    name = models.CharField(max_length=80)

    class Meta(Meta):
        db_table = "department"


class Person(models.Model):
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.CharField(max_length=254)

    class Meta(Meta):
        db_table = "person"


class AssetType(models.Model):
    name = models.CharField(max_length=80)

    class Meta(Meta):
        db_table = "asset_type"


class TaskType(models.Model):
    name = models.CharField(max_length=80)
    short_name = models.CharField(max_length=20)

    class Meta(Meta):
        db_table = "task_type"


class TaskStatus(models.Model):
    name = models.CharField(max_length=80)
    short_name = models.CharField(max_length=20)

    class Meta(Meta):
        db_table = "task_status"


class Project(models.Model):
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=20)

    class Meta(Meta):
        db_table = "project"


class ProjectTaskType(models.Model):
    pk = models.CompositePrimaryKey("project_id", "task_type_id")
    project = models.ForeignKey(Project, DO_NOTHING, related_name="task_type_links")
    task_type = models.ForeignKey(TaskType, DO_NOTHING, related_name="+")
    position = models.IntegerField()

    class Meta(Meta):
        db_table = "project_task_type"


class Entity(models.Model):
    kind = models.CharField(max_length=20)
    project = models.ForeignKey(Project, DO_NOTHING, related_name="entities")
    name = models.CharField(max_length=120)
    description = models.TextField(null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True)

    objects = LiveManager()

    class Meta(Meta):
        db_table = "entity"


class Asset(Entity):
    entity_ptr = models.OneToOneField(
        Entity, DO_NOTHING, parent_link=True, primary_key=True, db_column="id", related_name="asset"
    )
    asset_type = models.ForeignKey(AssetType, DO_NOTHING, related_name="+")

    objects = LiveManager()

    class Meta(Meta):
        db_table = "asset"


class Sequence(Entity):
    entity_ptr = models.OneToOneField(
        Entity,
        DO_NOTHING,
        parent_link=True,
        primary_key=True,
        db_column="id",
        related_name="sequence",
    )

    objects = LiveManager()

    class Meta(Meta):
        db_table = "sequence"


class Shot(Entity):
    entity_ptr = models.OneToOneField(
        Entity, DO_NOTHING, parent_link=True, primary_key=True, db_column="id", related_name="shot"
    )
    sequence = models.ForeignKey(Sequence, DO_NOTHING, related_name="shots")
    frame_in = models.IntegerField()
    frame_out = models.IntegerField()

    objects = LiveManager()

    class Meta(Meta):
        db_table = "shot"


class Task(models.Model):
    project = models.ForeignKey(Project, DO_NOTHING, related_name="+")
    entity = models.ForeignKey(Entity, DO_NOTHING, related_name="tasks")
    task_type = models.ForeignKey(TaskType, DO_NOTHING, related_name="+")
    task_status = models.ForeignKey(TaskStatus, DO_NOTHING, related_name="+")
    updated_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True)
    assignees = models.ManyToManyField(Person, db_table="task_assignee", related_name="tasks")

    objects = LiveManager()

    class Meta(Meta):
        db_table = "task"
