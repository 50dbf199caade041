"""The studio's words in English and Chinese; the page language is a cookie the switch sets."""

from __future__ import annotations

LANGUAGES = ("en", "zh")
LANGUAGE_COOKIE = "md_lang"

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 中文)
    "studio": ("Studio", "工作台"),
    "board": ("Series board", "分集看板"),
    "episode": ("Episode {n}", "第{n}集"),
    "episodes": ("episodes", "集"),
    "hook": ("Hook", "钩子"),
    "cliffhanger": ("Cliffhanger", "结尾悬念"),
    "paywall": ("Paywall", "付费点"),
    "scripted": ("scripted", "已成稿"),
    "built": ("built", "已渲染"),
    "localized": ("localized", "已本地化"),
    "hook_latency": ("hook at", "钩子出现于"),
    "cliff_strength": ("cliffhanger strength", "悬念强度"),
    "no_report": ("run `microdrama evaluate` for metrics", "运行 `microdrama evaluate` 查看指标"),
    "scene": ("Scene", "场"),
    "shot": ("Shot", "镜头"),
    "framing": ("Framing", "景别"),
    "description": ("What we see", "画面"),
    "speaker": ("Speaker", "角色"),
    "emotion": ("Emotion", "情绪"),
    "line": ("Line", "台词"),
    "source": ("Source passage", "原文"),
    "no_source": ("(no source passage: written for the series)", "（无原文：为本剧新写）"),
    "save": ("Save", "保存"),
    "saved": ("Saved.", "已保存。"),
    "conflict": ("Not saved: the episode changed since you opened it.", "未保存：打开后该集已被修改。"),
    "reload": ("Reload", "重新加载"),
    "invalid": ("Not saved", "未保存"),
    "back": ("← Board", "← 看板"),
    "video": ("Episode video", "成片"),
    "not_built": ("Not built yet: run `microdrama build`.", "尚未渲染：请运行 `microdrama build`。"),
    "language": ("中文", "English"),
    "forbidden": ("This studio needs its access token.", "需要访问令牌。"),
    "forbidden_help": (
        "Open the URL printed in the terminal where `microdrama studio` runs.",
        "请打开运行 `microdrama studio` 的终端里显示的网址。",
    ),
    "not_found": ("Not found", "未找到"),
    "build": ("Build", "渲染"),
    "storyboard": ("Storyboard", "分镜"),
    "report": ("Report", "评估报告"),
    "l10n_review": ("Localization review", "本地化审校"),
    "translation": ("Translation", "译文"),
    "qc": ("QC", "质检"),
    "faithful": ("faithful pass", "直译稿"),
    "adaptation_note": ("adaptation note", "改编说明"),
    "edited_by_person": ("edited by a person", "人工修改"),
    "reviewer": ("Reviewer", "审校人"),
    "approve": ("Approve this episode", "通过本集"),
    "approved_by": ("Approved by {by} at {at}.", "{by} 已于 {at} 通过。"),
    "changed_since_approval": (
        "The translation changed since it was approved; review it again.",
        "通过后译文已修改，请重新审校。",
    ),
    "no_qc": (
        "No QC report yet: run `microdrama qc` for the violations per line.",
        "尚无质检报告：运行 `microdrama qc` 查看逐句问题。",
    ),
    "open_report": ("Open the evaluation report", "打开评估报告"),
    "ledger": ("Cost ledger", "费用账本"),
    "episode_col": ("Episode", "集"),
    "provider": ("Provider", "服务"),
    "calls": ("Calls", "调用"),
    "tokens": ("Tokens", "令牌数"),
    "cost": ("Cost", "费用"),
    "total": ("Total", "合计"),
    "no_calls": (
        "No AI calls recorded: everything so far was made offline.",
        "尚无 AI 调用记录：目前都在本地离线生成。",
    ),
    "build_what": ("Episodes to build", "要渲染的集数"),
    "all": ("all", "全部"),
    "start_build": ("Start the build", "开始渲染"),
    "recent_builds": ("Builds started here", "本页启动的渲染"),
    "running": ("running", "进行中"),
    "done": ("done", "完成"),
    "failed": ("failed", "失败"),
    "progress": ("Progress", "进度"),
    "open_episode": ("Open the episode", "打开该集"),
    "build_note": (
        "The same build as `microdrama build`: only what is missing or stale is made.",
        "与 `microdrama build` 相同：只生成缺失或过期的部分。",
    ),
    "takes": ("Takes", "备选条"),
    "voice_takes": ("Voice takes", "配音备选"),
    "take": ("Take {n}", "第{n}条"),
    "shot_target": ("shot {shot}", "镜头 {shot}"),
    "line_target": ("line {n} of shot {shot}", "镜头 {shot} 第{n}句"),
    "candidates": ("Candidates", "候选"),
    "no_takes": ("Nothing made yet: build the episode or make a take.", "尚未生成：请渲染本集或生成一条。"),
    "in_use": ("in use", "使用中"),
    "use_take": ("Use this take", "用这一条"),
    "lock": ("Lock (approve)", "锁定（通过）"),
    "unlock": ("Unlock", "解锁"),
    "locked": ("locked", "已锁定"),
    "locked_note": (
        "Approved: builds use this copy (kept in locks/) and never make it again.",
        "已通过：渲染只用这份（存于 locks/），不会再重新生成。",
    ),
    "new_take": ("Make another take", "再生成一条"),
    "quote_engine": ("Take {n} by {engine}", "第{n}条，由 {engine} 生成"),
    "quote_free": ("Free: made on this machine.", "免费：在本机生成。"),
    "quote_cached": ("Already made: nothing to pay.", "已生成过：无需付费。"),
    "quote_paid": ("Estimated cost: {cost} {currency}.", "预计费用：{cost} {currency}。"),
    "make_take": ("Make take {n}", "生成第{n}条"),
    "make_take_paid": ("Make take {n} (≈ {cost} {currency})", "生成第{n}条（约 {cost} {currency}）"),
    "take_note": (
        "The episode keeps its current take until you choose another; build it again to see the choice.",
        "在你选定之前本集仍用当前这条；选定后重新渲染即可看到。",
    ),
    "open_takes": ("Back to the takes", "回到备选条"),
}


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    return "zh" if (accept_language or "").lower().startswith("zh") else "en"


def translate(key: str, language: str, **values: object) -> str:
    english, chinese = STRINGS[key]
    text = chinese if language == "zh" else english
    return text.format(**values) if values else text


def target_label(shot: str, line: int | None, language: str) -> str:
    """ "shot 1-1-2" or "line 1 of shot 1-1-2" in the page language (line is the 0-based index)."""
    if line is None:
        return translate("shot_target", language, shot=shot)
    return translate("line_target", language, shot=shot, n=line + 1)
