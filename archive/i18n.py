"""Messages of the command line, Chinese first; English with ARCHIVE_LANG=en."""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("错误：{message}", "error: {message}"),
    "internal_error": ("内部错误：{message}（详情已写入 {log}）", "internal error: {message} (details written to {log})"),
    "init.migrated": ("目录库已就绪：{url}", "catalog ready: {url}"),
    "init.seeded": ("已载入默认数据：门类 {categories} 个，保管期限表条目 {retention_rules} 条，全宗 {fonds} 个",
                    "loaded defaults: {categories} categories, {retention_rules} retention schedule entries, {fonds} fonds"),
    "init.officer_created": ("已创建{role} {username}，一次性密码：{password}",
                             "created the {role} {username}, one-time password: {password}"),
    "init.officers_exist": ("三员账户已存在，未重复创建", "the three officers exist already; none created"),
    "init.login_hint": ("一次性密码须在首次登录时修改。命令行登录：archive login {username}；网页：archive serve 后打开 http://127.0.0.1:5000/",
                        "One-time passwords must be changed at the first login. Command line: archive login {username}; web: run archive serve and open http://127.0.0.1:5000/"),
    "login.needed": ("此命令须以本人身份执行：请先 archive login 用户名（或设置 ARCHIVE_TOKEN）",
                     "this command acts in a person's name: log in first with archive login USER (or set ARCHIVE_TOKEN)"),
    "login.expired": ("登录已失效（令牌无效、过期或账户已停用）：请重新 archive login 用户名",
                      "your login is no longer valid (token invalid, expired or account disabled): archive login USER again"),
    "login.password": ("密码：", "Password: "),
    "login.new_password": ("一次性密码须修改。新密码：", "The password is one-time. New password: "),
    "login.repeat": ("再次输入新密码：", "Repeat the new password: "),
    "login.mismatch": ("两次输入的新密码不一致", "the new passwords differ"),
    "login.one_time_stdin": ("{username} 的密码是一次性的：请在标准输入第二行给出新密码",
                             "{username}'s password is one-time: give the new password on the second line of standard input"),
    "login.ok": ("已登录：{username}（{role}）", "logged in as {username} ({role})"),
    "logout.ok": ("已退出登录", "logged out"),
    "passwd.stdin": ("标准输入须有两行：旧密码、新密码", "standard input needs two lines: old password, new password"),
    "passwd.ok": ("密码已修改", "password changed"),
    "user.added": ("已添加用户 {username}（角色 {role}，密级 {clearance}）", "added user {username} (role {role}, clearance {clearance})"),
    "user.password": ("一次性密码（首次登录须修改）：{password}", "one-time password (to be changed at the first login): {password}"),
    "user.clearance_later": ("新账户密级为内部；{clearance}须由安全保密员设置：archive user clearance {username} 级别",
                             "new accounts start at internal; {clearance} is set by the security officer: archive user clearance {username} LEVEL"),
    "user.clearance_set": ("{username} 的密级已设为 {clearance}", "{username}'s clearance is now {clearance}"),
    "user.disabled": ("已停用 {username}", "disabled {username}"),
    "user.enabled": ("已启用 {username}", "enabled {username}"),
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


def role_label(code: str) -> str:
    from archive.codes import ROLE_ZH, Role

    try:
        role = Role(code)
    except ValueError:
        return code
    return code if lang() == "en" else ROLE_ZH.get(role, code)


def secrecy_label(code: str) -> str:
    from archive.codes import SECRECY_ZH, Secrecy

    try:
        level = Secrecy(code)
    except ValueError:
        return code
    return code if lang() == "en" else SECRECY_ZH[level]
