"""Messages of the command line, Chinese first; English with ARCHIVE_LANG=en."""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("错误：{message}", "error: {message}"),
    "internal_error": ("内部错误：{message}（详情已写入 {log}）", "internal error: {message} (details written to {log})"),
    "init.migrated": ("目录库已就绪：{url}", "catalog ready: {url}"),
    "init.seeded": ("已载入默认数据：门类 {categories} 个，保管期限表条目 {retention_rules} 条，全宗 {fonds} 个",
                    "loaded defaults: {categories} categories, {retention_rules} retention schedule entries, {fonds} fonds"),
    "init.admin_created": ("已创建系统管理员 {username}，初始密码：{password}\n请登录后立即修改密码。登录：archive serve 后在浏览器打开 http://127.0.0.1:5000/ ，用户名 {username}",
                           "created the system administrator {username}, initial password: {password}\nChange it after the first login. Log in: run archive serve and open http://127.0.0.1:5000/ as {username}"),
    "init.admin_exists": ("已有用户，未重复创建管理员（共 {count} 个用户）", "users exist already; no administrator created ({count} users)"),
    "user.added": ("已添加用户 {username}（角色 {role}，密级 {clearance}）", "added user {username} (role {role}, clearance {clearance})"),
    "user.password": ("初始密码：{password}", "initial password: {password}"),
    "audit.ok": ("审计链完整：共 {checked} 条事件，核对锚点 {anchors} 个", "audit chain intact: {checked} events, {anchors} anchors checked"),
    "audit.broken": ("审计链断裂：第 {seq} 条 — {reason}", "audit chain broken at event {seq}: {reason}"),
    "audit.anchored": ("已写入链头锚点 {name}", "anchored the chain head as {name}"),
    "audit.nothing": ("自上次锚定以来无新事件", "no new events since the last anchor"),
    "not_initialised": ("目录库尚未初始化，请先运行 archive init", "the catalog is not initialised; run archive init first"),
}


def lang() -> str:
    value = os.environ.get("ARCHIVE_LANG", "zh").lower()
    return "en" if value.startswith("en") else "zh"


def t(key: str, **kwargs: object) -> str:
    zh, en = MESSAGES[key]
    return (en if lang() == "en" else zh).format(**kwargs)
