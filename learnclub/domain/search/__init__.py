"""Search (搜索) over a cohort's archive, cases and homework, Chinese included."""
