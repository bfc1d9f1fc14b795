"""The policy sandbox (政策沙盘): a draft policy judged over the whole population before it is
published, against the budget and against the version in force; nothing is written."""
