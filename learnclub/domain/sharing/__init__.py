"""Weekly guest sharing (嘉宾分享): weeks, talks, review, reminders, calendar, archive."""
