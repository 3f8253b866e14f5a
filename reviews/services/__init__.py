"""Every state change of the reviews app, one function each (HTML, API, commands and tasks)."""

from .imports import (
    ImportInvalid,
    import_file_now,
    import_job_check,
    import_job_check_start,
    import_job_confirm,
    import_job_create,
    import_job_run,
    interactions_import_items,
)
from .reviewing import (
    FEEDBACK_PARTS,
    ReviewInput,
    review_acknowledge,
    review_change,
    review_mark_seen,
    review_save,
    review_start,
    review_submit,
)
from .sampling import (
    assignment_skip,
    sample_draw,
    sample_draw_start,
    sampling_policy_get,
    sampling_policy_update,
)

__all__ = [
    "FEEDBACK_PARTS",
    "ImportInvalid",
    "ReviewInput",
    "assignment_skip",
    "import_file_now",
    "import_job_check",
    "import_job_check_start",
    "import_job_confirm",
    "import_job_create",
    "import_job_run",
    "interactions_import_items",
    "review_acknowledge",
    "review_change",
    "review_mark_seen",
    "review_save",
    "review_start",
    "review_submit",
    "sample_draw",
    "sample_draw_start",
    "sampling_policy_get",
    "sampling_policy_update",
]
