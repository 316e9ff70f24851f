"""E-mail and SMS to customers, maintenance reminders, staff calendar feeds."""
