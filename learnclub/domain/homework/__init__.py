"""Homework (作业): submitting it, feedback, likes and comments, points, a learner's progress."""
