"""Count the SQL statements a block runs, through peewee's own logger."""
import contextlib
import logging


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        self.statements.append(record.getMessage())


@contextlib.contextmanager
def count_queries():
    """Yield a list that fills with every statement run inside the block."""
    logger = logging.getLogger("peewee")
    collector = _Collector()
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(collector)
    try:
        yield collector.statements
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old_level)
