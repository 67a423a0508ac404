"""Friendly error pages and JSON errors. A stack trace never reaches the user; it goes to the log."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from archive.errors import ArchiveError, Conflict, Forbidden, NotFound, ValidationError

STATUS_OF = {NotFound: 404, Forbidden: 403, Conflict: 409, ValidationError: 400}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, message: str):
    if wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


def titles() -> dict[int, str]:
    return {
        400: _("请求有误"), 401: _("请先登录"), 403: _("无权执行此操作"), 404: _("未找到"),
        405: _("不支持的请求方法"), 409: _("与当前状态冲突"), 413: _("上传文件过大"),
        429: _("尝试次数过多，请稍后再试"), 500: _("系统内部错误"),
    }


def register(app: Flask) -> None:
    @app.errorhandler(ArchiveError)
    def archive_error(exc: ArchiveError):
        status = next((code for cls, code in STATUS_OF.items() if isinstance(exc, cls)), 400)
        return respond(status, str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return respond(400, _("表单已过期或来源不明，请刷新页面后重试"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        return respond(status, titles().get(status, exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return respond(500, titles()[500])
