from .autoqa import autoqa_rule_edit, autoqa_rules
from .calibration import (
    calibration_benchmark,
    calibration_close,
    calibration_create,
    calibration_detail,
    calibration_guidance,
    calibration_list,
    calibration_meeting,
    calibration_reveal,
    calibration_reviewers,
)
from .imports import import_detail, import_list, import_progress
from .interactions import interaction_detail
from .reviewing import (
    my_feedback,
    review_acknowledge,
    review_detail,
    review_dispute,
    review_list,
    review_live,
    review_open,
    review_score,
    review_submit,
)
from .sampling import assignment_skip, draw_status, queue, sampling_home
from .trust import dispute_decide, dispute_detail, dispute_list, root_causes, trust_settings

__all__ = [
    "assignment_skip",
    "autoqa_rule_edit",
    "autoqa_rules",
    "calibration_benchmark",
    "calibration_close",
    "calibration_create",
    "calibration_detail",
    "calibration_guidance",
    "calibration_list",
    "calibration_meeting",
    "calibration_reveal",
    "calibration_reviewers",
    "dispute_decide",
    "dispute_detail",
    "dispute_list",
    "draw_status",
    "import_detail",
    "import_list",
    "import_progress",
    "interaction_detail",
    "my_feedback",
    "queue",
    "review_acknowledge",
    "review_detail",
    "review_dispute",
    "review_list",
    "review_live",
    "review_open",
    "review_score",
    "review_submit",
    "root_causes",
    "sampling_home",
    "trust_settings",
]
