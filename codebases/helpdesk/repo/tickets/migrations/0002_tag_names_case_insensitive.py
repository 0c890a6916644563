"""Tag names become case-insensitive: "Billing", "billing" and "BILLING" of one organisation
are merged into one tag (the oldest, renamed to lower case), every ticket that carried any of
them carries the survivor once, and a unique index on lower(name) keeps it that way.

Going back drops that index and brings back the per-name one; the merge itself is not undone
(the tags that were merged stay merged, which the old schema allows)."""

from django.db import migrations, models
from django.db.models.functions import Lower


def merge_case_duplicates(apps, schema_editor) -> None:
    Tag = apps.get_model("tickets", "Tag")
    TicketTag = apps.get_model("tickets", "TicketTag")
    groups: dict[tuple[int, str], list] = {}
    for tag in Tag.objects.order_by("id"):
        groups.setdefault((tag.org_id, tag.name.lower()), []).append(tag)
    for (_, lowered), tags in groups.items():
        keeper, duplicates = tags[0], tags[1:]
        if duplicates:
            dup_ids = [t.id for t in duplicates]
            tickets_with_keeper = set(TicketTag.objects.filter(tag_id=keeper.id).values_list("ticket_id", flat=True))
            for link in TicketTag.objects.filter(tag_id__in=dup_ids).order_by("id"):
                if link.ticket_id in tickets_with_keeper:
                    link.delete()
                else:
                    link.tag_id = keeper.id
                    link.save(update_fields=["tag"])
                    tickets_with_keeper.add(link.ticket_id)
            Tag.objects.filter(id__in=dup_ids).delete()
        if keeper.name != lowered:
            keeper.name = lowered
            keeper.save(update_fields=["name"])
    # the deferred foreign-key checks run now, so that the constraint change below may follow
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(merge_case_duplicates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="tag", name="tags_org_name_uniq"),
        migrations.AddConstraint(
            model_name="tag",
            constraint=models.UniqueConstraint(models.F("org"), Lower("name"), name="tags_org_lower_name_uniq"),
        ),
    ]
