from .home import my_feedback
from .imports import import_detail, import_list, import_progress
from .interactions import interaction_detail
from .sampling import assignment_skip, draw_status, queue, sampling_home

__all__ = [
    "assignment_skip",
    "draw_status",
    "import_detail",
    "import_list",
    "import_progress",
    "interaction_detail",
    "my_feedback",
    "queue",
    "sampling_home",
]
