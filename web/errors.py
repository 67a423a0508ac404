"""Friendly error pages and JSON errors. A stack trace never reaches the user; it goes to the log."""

from __future__ import annotations

import uuid

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from archive.errors import ArchiveError, Conflict, Forbidden, NotFound, TransientError, ValidationError

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
        429: _("尝试次数过多，请稍后再试"), 500: _("系统内部错误"), 503: _("服务暂不可用"),
    }


def request_id() -> str:
    """A short id for this request, in the log line and in what the user is shown."""
    if "request_id" not in g:  # normally set first thing by web.observability
        g.request_id = uuid.uuid4().hex[:16]
    return g.request_id


def register(app: Flask) -> None:
    @app.errorhandler(ArchiveError)
    def archive_error(exc: ArchiveError):
        status = next((code for cls, code in STATUS_OF.items() if isinstance(exc, cls)), None)
        if status is not None:  # a refusal the user can act on: its own words
            return respond(status, str(exc))
        # A backend, configuration or integrity failure: its text names hosts, paths and engine
        # internals, so it goes to the log and the user gets a request id to quote.
        rid = request_id()
        kind = "backend unavailable" if isinstance(exc, TransientError) else "backend failure"
        app.logger.error("%s [%s] on %s %s: %s: %s", kind, rid, request.method, request.path,
                         type(exc).__name__, exc)
        body, status = respond(503, _("后台服务暂不可用，请稍后再试（请求编号 %(rid)s）", rid=rid))
        response = app.make_response((body, status))
        if isinstance(exc, TransientError):
            response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return respond(400, _("表单已过期或来源不明，请刷新页面后重试"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        body, code = respond(status, titles().get(status, exc.name))
        response = app.make_response((body, code))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:  # a 405 says what the path offers
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        if status == 429 and exc.response is not None and "Retry-After" in exc.response.headers:
            response.headers["Retry-After"] = exc.response.headers["Retry-After"]
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        rid = request_id()
        app.logger.exception("unexpected error [%s] on %s %s", rid, request.method, request.path)
        return respond(500, f"{titles()[500]}（{rid}）")
