"""The Flask application factory: one blueprint per area, services opened once per process."""

from __future__ import annotations

import logging
import os

from flask import Flask, g, redirect, request, session, url_for
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from archive import filemodes, logging_setup
from archive.config import Settings, load_settings
from archive.db import Catalog
from archive.identity import leave, through
from web import errors, observability, security
from web.auth import load_session_user
from web.secret import secret_key
from web.services import Services

LANGUAGES = ("zh_CN", "en")
DEFAULT_MAX_UPLOAD_MB = 200

csrf = CSRFProtect()


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    # Chinese first: English only when the browser prefers it over Chinese.
    return request.accept_languages.best_match(LANGUAGES, default="zh_CN") or "zh_CN"


def create_app(settings: Settings | None = None, *, testing: bool = False) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        TESTING=testing,
        SECRET_KEY=secret_key(settings.secret_key, settings.home),
        MAX_CONTENT_LENGTH=int(os.environ.get("ARCHIVE_WEB_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(app.root_path, "translations"),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.json.sort_keys = False  # keep documents (OpenAPI, records) in their written order
    if not testing:
        logging_setup.configure()  # JSON lines with request ids (archive.logging_setup)
    logging_setup.install_filter(logging.getLogger("gunicorn.access"))  # no ?q=<ID number> in access lines
    observability.install(app)  # first: request ids before any other before_request
    security.configure_cookies(app, secure=not (testing or app.debug or os.environ.get("ARCHIVE_WEB_INSECURE")))

    catalog = Catalog(settings.database_url, bureau_level=settings.bureau_level)  # ARCHIVE_BUREAU_LEVEL (§3, §4)
    if not catalog.is_initialised():
        catalog.migrate()  # an empty catalog; concurrent workers take turns (advisory lock)
    elif catalog.behind():  # upgrades migrate once, before the app starts (docs/operations.md)
        app.logger.warning("the catalog is older than this version of the code: run `archive migrate`")
    app.extensions["archive"] = Services(settings, catalog)
    app.extensions["login_limiter"] = security.LoginLimiter(
        account_limit=settings.login_lockout_after, account_window=settings.login_lockout_minutes * 60)
    security.trust_proxies(app, settings.trusted_proxies)
    for warning in filemodes.warnings(settings):  # a home or catalog others can read
        app.logger.warning(warning)

    Babel(app, locale_selector=select_locale)
    csrf.init_app(app)

    from web.views import (
        admin,
        api,
        api_config,  # noqa: F401 - adds the /api/v1/admin and shelving routes to api.bp
        api_holdings,  # noqa: F401 - adds the /api/v1 arrangement routes (volumes, boxes, dossiers, print)
        api_loans,  # noqa: F401 - adds the /api/v1/loans routes to api.bp
        api_receiving,  # noqa: F401 - adds the /api/v1/transfers and /api/v1/personnel routes to api.bp
        api_retention,  # noqa: F401 - adds the /api/v1/retention routes to api.bp
        api_room,  # noqa: F401 - adds the issue 19 campaign, record-link, stack-room and dossier-review routes
        audit,
        auth,
        configuration,
        dashboard,
        loans,
        receiving,
        records,
        retention,
        review,
        search,
        upload,
        volumes,
    )

    for module in (auth, dashboard, upload, review, search, records, volumes, loans, retention, audit, admin,
                   configuration, receiving):
        app.register_blueprint(module.bp)
    from web.views import transfers  # 移交进馆 (state archive); receiving owns /transfers

    app.register_blueprint(transfers.bp)
    from web.views import catalogue  # 目录导入与导出 (issue 14)

    app.register_blueprint(catalogue.bp)
    from web.views import holdings  # 整理：案卷、档案盒、人事档案与打印 (issue 13)

    app.register_blueprint(holdings.bp)
    from web.views import authority, statistics  # 统计年报 and 备案 (issue 19); both add /api/v1 routes

    app.register_blueprint(statistics.bp)
    app.register_blueprint(authority.bp)
    from web.views import campaign, personnel_review, stack_room  # issue 19: campaign, links, stack room

    for module in (campaign, stack_room, personnel_review):
        app.register_blueprint(module.bp)
    from web.views import self_service, utilization, verify  # 查档出证、复制件核验、本人自助查询 (issue 17)

    for module in (utilization, verify, self_service):
        app.register_blueprint(module.bp)
    from web.views import api_disclosure, disclosure  # noqa: F401 - 政府信息公开、工作日历 (issue 17); api_disclosure adds /api/v1 routes

    app.register_blueprint(disclosure.bp)
    from web.views import registry  # issue 19: copy register, non-record destruction, 合议 approvals

    app.register_blueprint(registry.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, never with cookies

    @app.before_request
    def mark_channel() -> None:
        # Audit events of this request name their channel even before anyone is identified.
        g.channel_token = through("api" if request.blueprint == "api" else "web", request.remote_addr or "")

    @app.teardown_request
    def unmark_channel(_exc: BaseException | None) -> None:
        token = g.pop("channel_token", None)
        if token is not None:
            leave(token)

    app.before_request(load_session_user)
    app.after_request(security.add_security_headers)
    errors.register(app)

    @app.context_processor
    def template_globals() -> dict:
        from web.templating import template_helpers

        return template_helpers()

    @app.get("/")
    def index():
        return redirect(url_for("dashboard.home" if g.get("viewer") else "auth.login"))

    # /healthz, /readyz and /metrics: web.observability

    return app
