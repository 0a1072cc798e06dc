"""`lantern reminders`: orders expiring within 28 days and notification deadlines; expired orders marked."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from lantern.intel.services import Actor
from lantern.orders.selectors import reminders_due
from lantern.orders.services import orders_expire


class Command(BaseCommand):
    help = "List orders expiring within 28 days and vehicle notification deadlines; mark expired orders."

    def handle(self, *args, **options):
        today = timezone.localdate()
        expired = orders_expire(today=today, actor=Actor(via="lantern reminders"))
        found = reminders_due(today=today)
        for reminder in found:
            self.stdout.write(f"{reminder.due:%Y-%m-%d}  {reminder.text}")
        self.stdout.write(f"{len(found)} reminder(s); {expired} order(s) newly marked expired.")
