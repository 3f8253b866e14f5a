from .home import my_feedback, queue
from .imports import import_detail, import_list, import_progress

__all__ = ["import_detail", "import_list", "import_progress", "my_feedback", "queue"]
