"""The demo's own texts — names, teams, queues, transcripts, reviewers' comments and feedback,
coaching notes, dispute reasons — in English (the default) or Simplified Chinese
(`seed_demo --language zh-hans`), so the Chinese interface can be seen with realistic data.

The interface's words come from the translation catalogue; these are data, written once here in
both languages. `say(text)` gives the demo text in the language chosen for this load."""

from __future__ import annotations

from contextlib import contextmanager

_current = {"language": "en"}

ZH = {
    # Queues (topics)
    "Billing": "账单",
    "Card blocked": "银行卡冻结",
    "Address change": "地址变更",
    "Refund": "退款",
    "Delivery": "配送",
    "Order status": "订单状态",
    "Password reset": "密码重置",
    "Product question": "产品咨询",
    "Invoice copy": "发票补开",
    "Complaint": "投诉",
    "Contract": "合同",
    # Transcripts
    "Agent: Thank you for contacting us, my name is {agent}. How can I help?": "坐席：您好，感谢您的来电，我是{agent}，请问有什么可以帮您？",
    "Agent: Good {daypart}, you're speaking with {agent}. What can I do for you today?": "坐席：{daypart}好，我是{agent}，请问今天有什么可以帮您？",
    "morning": "上午",
    "afternoon": "下午",
    "evening": "晚上",
    "Customer: I was charged twice for my October bill.": "客户：我十月份的账单被扣了两次钱。",
    "Customer: My card was blocked while I was abroad.": "客户：我在国外的时候银行卡被冻结了。",
    "Customer: I moved last week and need to update my address.": "客户：我上周搬家了，需要更新地址。",
    "Customer: I returned the jacket two weeks ago and still have no refund.": "客户：我两周前就把外套退回去了，到现在还没收到退款。",
    "Customer: My parcel was due on Monday and hasn't arrived.": "客户：我的包裹周一就该到了，到现在还没收到。",
    "Customer: Can you tell me where my order is?": "客户：能帮我查一下我的订单到哪儿了吗？",
    "Customer: I can't log in, the reset e-mail never arrives.": "客户：我登录不了，重置密码的邮件一直收不到。",
    "Customer: Does the X200 work with my older charger?": "客户：X200 能用我以前的充电器吗？",
    "Customer: Please send me a copy of invoice 4471.": "客户：请把 4471 号发票再给我发一份。",
    "Customer: This is the third time I'm writing about the same problem.": "客户：同一个问题我已经是第三次写信反映了。",
    "Customer: I want to know when my contract ends.": "客户：我想知道我的合同什么时候到期。",
    "Agent: I'm sorry to hear that. Let me check your account.": "坐席：非常抱歉给您带来不便，我马上帮您查一下账户。",
    "Agent: I've sorted that for you and you'll get a confirmation by e-mail. Is there anything else?": "坐席：已经帮您处理好了，稍后您会收到确认邮件。请问还有其他需要帮忙的吗？",
    "Agent: That's done now. Just to confirm: you'll see the change within two working days.": "坐席：已经办好了。跟您确认一下：两个工作日内您就能看到变更。",
    "Agent: I'll pass it on to the team, they will get back to you.": "坐席：我会转给相关团队，他们会联系您的。",
    "Agent: There's nothing more I can do today, sorry.": "坐席：今天我这边也没有别的办法了，抱歉。",
    # Feedback
    "You greeted the customer warmly and checked their identity before anything else.": "你热情地问候了客户，并且在办理任何业务前先核实了身份。",
    "Your explanation of the policy was clear and you gave the reason behind it.": "你对政策的解释很清楚，还说明了背后的原因。",
    "You stayed calm and patient while the customer explained the whole problem.": "客户讲述整个问题时，你一直保持冷静和耐心。",
    "Name the customer's feeling before moving to the fix, e.g. 'I can hear this has been frustrating.'": "在处理问题前先说出客户的感受，例如“我能感觉到这件事让您很着急”。",
    "Summarise the next steps at the end so the customer knows exactly what happens and when.": "结束前总结下一步，让客户清楚接下来会发生什么、什么时候发生。",
    "Avoid internal terms like 'ticket escalation queue'; say 'our specialist team' instead.": "避免使用“工单升级队列”这类内部用语，改说“我们的专业团队”。",
    "Your calls keep getting better: keep this up and you will hit every target next month.": "你的通话越来越好了：保持下去，下个月每项目标都能达到。",
    "You clearly know the products well. One small habit and this will be an excellent call.": "你对产品非常熟悉。再养成一个小习惯，这就是一通非常出色的电话。",
    "Great progress this month; I'm looking forward to your next review.": "这个月进步很大，期待你的下一次评分。",
    "Missed here: see the guidance.": "此处失分：请参考评分说明。",
    "Only partly done; try the wording from the guidance.": "只做到一部分；可以试试评分说明中的说法。",
    "The customer rated the delivery time in the survey, not the call; the call itself was good.": (
        "客户在调查中评价的是配送时间，而不是这通电话；通话本身处理得很好。"
    ),
    "Closed with ‘{line}’: no solution or next step. {comment}": "结束语是“{line}”：没有给出方案或下一步。{comment}",
    # Coaching notes
    "Keep an eye on confidence after the hard month": "经历了困难的一个月，多关注自信心",
    "Ask QA to calibrate on this criterion": "请质检就这个评分项做一次校准",
    "Meet “{label}” in every call": "每通电话都做到“{label}”",
    "Missed in most of last month's reviews": "上个月的大多数评分中都失分了",
    "Listen to two good calls; a checklist on the desk": "听两通优秀录音；桌上放一张检查清单",
    "Use the checklist on every call": "每通电话都使用检查清单",
    "Practise “{label}” with the checklist": "对照检查清单练习“{label}”",
    "Raise “{label}”": "提升“{label}”",
    "Uneven from call to call": "不同通话之间表现不稳定",
    "Shadow a senior colleague": "跟听一位资深同事",
    "Two shadowing sessions this week": "本周跟听两次",
    "Shadow a senior colleague on “{label}”": "跟听资深同事的“{label}”",
    "Shorter holds": "缩短保持时长",
    "Holds of two minutes while searching the knowledge base": "查知识库时让客户等待两分钟",
    "Bookmark the five most used articles": "把最常用的五篇文章加入书签",
    "Bookmarks by Friday": "周五前完成书签",
    # Calibration and disputes
    "Calibration {month}": "{month} 校准",
    "I did this: listen from 02:10 in the call.": "我做到了：请听通话 02:10 开始的部分。",
    "Confirmed on the recording.": "录音中已确认。",
    "Partly there: the second step is missing.": "部分做到：缺少第二步。",
    "Not in the recording: the step was skipped.": "录音中没有：这一步被跳过了。",
    # Transcript rules
    "Closing: checks understanding or offers more help": "结束语：确认理解或询问其他需要",
    "Empathy after the customer's problem": "客户说明问题后表达共情",
    "Never: “nothing more I can do”": "禁用语：“没有别的办法”",
    # Teams
    "Team Aurora": "极光组",
    "Team Borealis": "北辰组",
    "Team Cygnus": "天鹅组",
}

# People: (first name, last name) in English; a Chinese full name (surname first) in first_name.
STAFF_ZH = {
    "manager": "马丽娅",
    "reviewer1": "李思琪",
    "reviewer2": "赵瑞杰",
    "reviewer3": "钱若彤",
    "lead1": "梁志远",
    "lead2": "陆佳怡",
    "lead3": "林浩然",
}
AGENTS_ZH = (
    "王安娜", "李斌", "陈晨", "张达", "刘毅", "杨芳", "黄刚", "赵涵",
    "周文", "吴佳", "徐可", "孙琳", "马梅", "朱宁", "胡明", "郭萍",
    "何青", "高蓉", "林森", "罗涛", "郑玉", "梁伟", "谢雯", "宋雅",
)  # fmt: skip


def language() -> str:
    return _current["language"]


@contextmanager
def demo_language(code: str):
    """Write the demo's texts in `code` ("en" or "zh-hans") inside this block."""
    before = _current["language"]
    _current["language"] = code
    try:
        yield
    finally:
        _current["language"] = before


def say(text: str, **values) -> str:
    """`text` in the demo's language, with `values` put in its {placeholders}."""
    chosen = ZH.get(text, text) if _current["language"] == "zh-hans" else text
    return chosen.format(**values) if values else chosen


def person_name(username: str, first: str, last: str, index: int | None = None) -> tuple[str, str]:
    """(first name, last name) of a demo person: as given in English; in Chinese the full name
    (surname first, no space) as the first name, so every page shows it whole."""
    if _current["language"] != "zh-hans":
        return first, last
    if username in STAFF_ZH:
        return STAFF_ZH[username], ""
    return AGENTS_ZH[(index or 1) - 1], ""
