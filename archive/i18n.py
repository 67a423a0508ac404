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
    "password.too_short": ("新密码至少需要 {n} 个字符", "the new password needs at least {n} characters"),
    "password.one_class": ("新密码不能只由一类字符组成：请混用字母、数字或符号",
                           "the new password must not be of one kind of character only: mix letters, digits or symbols"),
    "password.common": ("新密码过于常见或容易猜到，请换一个", "the new password is too common or easy to guess; choose another"),
    "password.personal": ("新密码不能是用户名（或其变形）", "the new password must not be the user name or a variant of it"),
    "startup.loose_mode": ("警告：{path} 的权限为 {mode}，其他用户可读；应为 {wanted}（chmod {wanted} {path}）",
                           "warning: {path} has mode {mode}, readable by other users; it should be {wanted} (chmod {wanted} {path})"),
    "user.added": ("已添加用户 {username}（角色 {role}，密级 {clearance}）", "added user {username} (role {role}, clearance {clearance})"),
    "user.password": ("一次性密码（首次登录须修改）：{password}", "one-time password (to be changed at the first login): {password}"),
    "user.clearance_later": ("新账户密级为内部；{clearance}须由安全保密员设置：archive user clearance {username} 级别",
                             "new accounts start at internal; {clearance} is set by the security officer: archive user clearance {username} LEVEL"),
    "user.clearance_set": ("{username} 的密级已设为 {clearance}", "{username}'s clearance is now {clearance}"),
    "user.disabled": ("已停用 {username}", "disabled {username}"),
    "user.enabled": ("已启用 {username}", "enabled {username}"),
    "arrange.pages": ("{pages}页", "{pages} p."),
    "arrange.box_no": ("第{n}盒", "box {n}"),
    "arrange.summary": ("未整理文件 {items} 件，拟组 {units} 个卷/盒，余 {left} 件未能归入",
                        "{items} unarranged items, {units} volumes/boxes, {left} left over"),
    "arrange.proposal": ("以上为整理方案；确认后加 --apply 执行", "this is a proposal; add --apply to carry it out"),
    "arrange.applied": ("已按方案整理", "arranged as proposed"),
    "arrange.printed": ("已输出 {path}（{size} 字节）", "wrote {path} ({size} bytes)"),
    "audit.ok": ("审计链完整：共 {checked} 条事件，核对锚点 {anchors} 个", "audit chain intact: {checked} events, {anchors} anchors checked"),
    "audit.broken": ("审计链断裂：{reason}", "audit chain broken: {reason}"),
    "audit.why.missing": ("第 {seq} 条事件缺失（下一条是第 {next} 条）", "event {seq} is missing (the next one is {next})"),
    "audit.why.unlinked": ("第 {seq} 条事件没有接在第 {prev} 条之后（被插入或调换）",
                           "event {seq} does not follow event {prev} (inserted or reordered)"),
    "audit.why.changed": ("第 {seq} 条事件写入后被改动", "event {seq} was changed after it was written"),
    "audit.why.replayed": ("第 {seq} 条事件重复了第 {first} 条（被重放）", "event {seq} repeats event {first}: it was replayed"),
    "audit.why.no_head": ("目录库中的链头记录缺失", "the chain head row is missing from the catalog"),
    "audit.why.head": ("日志止于第 {last} 条事件，链头却记为第 {head} 条：有事件被删除或添加",
                       "the trail ends at event {last} but its head records event {head}: events were removed or added"),
    "audit.why.rolled_back": ("锚点 {name} 记录到第 {seq} 条事件，日志却止于第 {last} 条：日志被截短或回滚",
                              "anchor {name} records event {seq} but the trail ends at {last}: it was cut short or rolled back"),
    "audit.why.differs": ("第 {seq} 条事件与锚点 {name} 记下的哈希不符", "event {seq} differs from the hash anchored in {name}"),
    "audit.why.prev_missing": ("第 {seq} 条事件的锚点缺失（{name} 指向它）", "the anchor of event {seq} (named by {name}) is missing"),
    "audit.why.anchored_missing": ("链头记下的第 {seq} 条事件的锚点缺失",
                                   "the anchor of event {seq}, recorded in the chain head, is missing"),
    "audit.why.copy_missing": ("锚点 {name} 在{place}中缺失", "anchor {name} is missing from the {place}"),
    "audit.why.copies_differ": ("锚点 {name} 在对象存储与锚点镜像中不一致", "anchor {name} differs between the object store and the mirror"),
    "audit.why.unreadable": ("锚点 {name} 无法读取", "anchor {name} is unreadable"),
    "audit.why.history": ("目录库中有{what} {ref}，其审计事件却已不在日志中：有事件被删除",
                          "the catalog holds {what} {ref} but its events are gone from the trail: events were deleted"),
    "audit.anchored": ("已写入链头锚点 {name}", "anchored the chain head as {name}"),
    "audit.nothing": ("自上次锚定以来无新事件", "no new events since the last anchor"),
    "audit.why.timeline": ("锚点 {name} 属于本日志不认识的时间线：日志被截短或回滚（或恢复演练写入了这些锚点）",
                           "anchor {name} belongs to a timeline this trail does not know: it was cut short or rolled back "
                           "(or a restore drill wrote to these anchors)"),
    "audit.why.restore_unsigned": ("第 {seq} 条恢复事件的签名不符：不是本馆恢复命令写入的",
                                   "restore event {seq} does not carry this archive's signature: it was not written by archive restore"),
    "audit.why.restore_unkeyed": ("无法核对第 {seq} 条恢复事件：签名密钥 {path} 不存在",
                                  "restore event {seq} cannot be checked: the signing key {path} is missing"),
    "audit.why.drill_elsewhere": ("这是 {home} 的恢复演练目录库，不是本处的在用目录库",
                                  "this catalog is a restore drill made in {home}, not the live catalog of this installation"),
    "backup.done": ("备份已写入 {dest}：{events} 条审计事件，{objects} 个对象", "backup written to {dest}: {events} audit events, {objects} objects"),
    "restore.done": ("已恢复到第 {seq} 条事件（锚点 {anchor}），新时间线 {timeline}",
                     "restored to event {seq} (anchor {anchor}); new timeline {timeline}"),
    "not_initialised": ("目录库尚未初始化，请先运行 archive init", "the catalog is not initialised; run archive init first"),
    "migrate.done": ("目录库已升级：{before} → {after}", "catalog migrated: {before} → {after}"),
    "migrate.current": ("目录库已是最新版本：{revision}", "the catalog is at the newest version already: {revision}"),
}


def lang() -> str:
    value = os.environ.get("ARCHIVE_LANG", "zh").lower()
    return "en" if value.startswith("en") else "zh"


def t(key: str, **kwargs: object) -> str:
    """The message in ARCHIVE_LANG's language, as the CLI runs."""
    return t_in(lang(), key, **kwargs)


def t_in(language: str | None, key: str, **kwargs: object) -> str:
    """The message in `language` ("zh" or "en"; None: ARCHIVE_LANG), e.g. the web page's."""
    zh, en = MESSAGES[key]
    return (en if (language or lang()) == "en" else zh).format(**kwargs)


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
